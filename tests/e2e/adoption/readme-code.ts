import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './throwaway-app.js';

/**
 * The fenced code block of README.md whose first line starts with `firstLine`, exactly as a reader
 * copies it. Throws when there is none, so a README edit that drops or renames a recipe fails the
 * adoption test instead of leaving it testing code nobody reads.
 */
export function readmeBlock(firstLine: string): string {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  for (const match of readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) {
    const code = match[1]!;
    if (code.startsWith(firstLine)) return code;
  }
  throw new Error(`README.md has no code block starting with ${JSON.stringify(firstLine)}`);
}

/** The README's placeholder hosts, replaced by the servers a test runs on 127.0.0.1. */
export function withLocalHosts(code: string, hosts: { api: string; otlp?: string }): string {
  let local = code.replaceAll('https://api.example.com', new URL(hosts.api).origin);
  if (hosts.otlp !== undefined) local = local.replaceAll('https://otel.example.com/v1/traces', hosts.otlp);
  if (/example\.com/.test(local)) throw new Error(`a README placeholder host is left in:\n${local}`);
  return local;
}
