/**
 * The version pages' `configure()` changes are kept under. The script's own `version` when it
 * gives one; otherwise a hash of the script's policy and cache options. The hash is the default
 * because a deploy that changes the config must win over what pages sent to the previous one,
 * and an app should not have to remember to bump a number for that; a deploy that changes only
 * code keeps the pages' settings, which were made against the same script config. Functions
 * (a fallback handler) do not serialize and so do not count.
 */
export function configVersion(script: { version?: string; policy?: unknown; cache?: unknown }): string {
  if (script.version !== undefined) {
    if (typeof script.version !== 'string' || script.version === '') {
      throw new TypeError(`version must be a non-empty string, got ${String(script.version)}`);
    }
    return `v:${script.version}`;
  }
  return `h:${fnv1a(JSON.stringify({ policy: script.policy ?? null, cache: script.cache ?? null }))}`;
}

/** 32-bit FNV-1a: a stable, dependency-free fingerprint (not a security boundary). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
