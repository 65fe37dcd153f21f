import { checkPartition } from '../cache/options.js';
import type { PolicyConfig } from '../core/types.js';
import { effectivePolicy, foldOverlay, type PolicyOverlay } from './config-overlay.js';
import type { ConfigUpdate, LiveConfig } from './protocol.js';
import { fail } from '../core/validation.js';

/** Where pages' settings are kept between worker restarts. */
export interface SettingsStore {
  loadOverlay(version: string): Promise<PolicyOverlay | undefined>;
  saveOverlay(version: string, overlay: PolicyOverlay): Promise<void>;
  loadPartition(): Promise<string | null | undefined>;
  savePartition(partition: string | null): Promise<void>;
}

/** Who acts on the settings: the engine takes the policy, the cache the partition. */
export interface SettingsTargets {
  policy(policy: PolicyConfig): void;
  partition(partition: string | null): void;
  /** What of pages' saved settings this worker can run (e.g. without an outbox it does not install). */
  restorable(overlay: PolicyOverlay): PolicyOverlay;
}

/**
 * The worker's live settings, and who wins. The script's own config is the base; what pages sent
 * with `configure()` is an overlay on it, kept per config version (see `configVersion`), so a
 * newly deployed config is never hidden by what pages sent to an older one. `null` in a partial
 * removes the page's value and the script's shows through again.
 *
 * The cache partition is kept across versions: it says who is signed in, not how to call an
 * origin, and forgetting it on a deploy would store that user's responses in the shared partition.
 */
export class LiveSettings {
  private overlay: PolicyOverlay = {};
  private partition: string | null;

  constructor(
    private readonly script: { policy: PolicyConfig; partition: string | null },
    private readonly version: string,
    private readonly store: SettingsStore,
    private readonly targets: SettingsTargets,
  ) {
    this.partition = script.partition;
  }

  /** The effective config: the script's policy with the pages' overlay, and the partition in use. */
  current(): LiveConfig {
    return { policy: effectivePolicy(this.script.policy, this.overlay), cachePartition: this.partition };
  }

  /** Applies what pages sent to this version before the worker stopped. Never rejects. */
  async restore(): Promise<void> {
    try {
      const saved = await this.store.loadOverlay(this.version);
      const overlay = saved === undefined ? undefined : this.targets.restorable(saved);
      if (overlay !== undefined) {
        this.targets.policy(effectivePolicy(this.script.policy, overlay));
        this.overlay = overlay;
        if (overlay !== saved) await this.store.saveOverlay(this.version, overlay); // said once, not at every start
      }
    } catch {
      // Unreadable, or no longer valid for this library version: the script's config stands.
    }
    try {
      const partition = await this.store.loadPartition();
      if (partition !== undefined) this.usePartition(checkPartition('cachePartition', partition));
    } catch {
      // Without a saved partition the script's stands (null: nothing private is stored).
    }
  }

  /**
   * Folds a page's partial in, applies it and saves it. Throws a TypeError naming the field,
   * changing nothing, when the result is invalid.
   */
  async configure(partial: ConfigUpdate): Promise<LiveConfig> {
    if (typeof partial !== 'object' || partial === null) fail('config', partial, 'an object');
    // A misspelt field would be ignored: a sign-in whose partition never applied, unnoticed.
    for (const key in partial) {
      if (key !== 'policy' && key !== 'cachePartition') throw new TypeError(`${key} is not a field of configure() (it takes policy and cachePartition)`);
    }
    const partition = partial.cachePartition === undefined ? undefined : (checkPartition('cachePartition', partial.cachePartition) ?? this.script.partition);
    const overlay = foldOverlay(this.overlay, partial.policy);
    if (overlay !== this.overlay) {
      this.targets.policy(effectivePolicy(this.script.policy, overlay)); // throws before anything changed
      this.overlay = overlay;
      await this.store.saveOverlay(this.version, overlay);
    }
    if (partition !== undefined) {
      this.usePartition(partition);
      await this.store.savePartition(partition);
    }
    return this.current();
  }

  private usePartition(partition: string | null): void {
    this.targets.partition(partition);
    this.partition = partition;
  }
}
