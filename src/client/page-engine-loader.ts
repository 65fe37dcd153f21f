import { pageTraceHook } from '../telemetry/page-trace-hook.js';
import { followPageSettings, pageSettings } from './page-settings.js';

type PageEngineModule = typeof import('./page-engine.js');
type PageCall = ReturnType<PageEngineModule['pageEngine']>;

let loading: Promise<PageEngineModule> | undefined;

function load(): Promise<PageEngineModule> {
  loading ??= import('./page-engine.js').catch((error: unknown) => {
    loading = undefined; // a failed chunk download is tried again by the next call
    throw error;
  });
  return loading;
}

/** The in-page engine (core and its IndexedDB cache), loaded on first need. */
export async function loadPageEngine(): Promise<PageCall> {
  return (await load()).pageEngine({ settings: pageSettings, follow: followPageSettings, traceHook: pageTraceHook });
}

/**
 * Loads the in-page engine when the page is idle, so the first call that finds no worker of
 * ours does not wait for the download. Only where no worker controls the page yet.
 */
export function prefetchPageEngine(): void {
  if (loading !== undefined) return;
  const whenIdle = (globalThis as { requestIdleCallback?: (fn: () => void, options?: { timeout: number }) => unknown }).requestIdleCallback;
  const prefetch = () => void load().catch(() => undefined);
  if (typeof whenIdle === 'function') whenIdle(prefetch, { timeout: 5_000 });
  else setTimeout(prefetch, 1_000);
}
