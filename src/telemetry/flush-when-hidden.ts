/**
 * Calls `flush` when the page is hidden or being unloaded, the last moments its spans can still
 * leave (the exporter's fetch uses `keepalive`, which survives the page). Returns a function that
 * removes the listeners.
 *
 * The SDK's browser BatchSpanProcessor has a similar auto-flush, which we turn off in favour of
 * this one: it registers `pagehide` on `document`, but `pagehide` is dispatched to `window` and
 * does not reach `document`, so only its `visibilitychange` half works. `pagehide` matters where
 * `visibilitychange` is not delivered before the page is frozen (Safari, bfcache).
 * Page-side only: it uses `document` and `window`.
 */
export function flushWhenHidden(flush: () => void): () => void {
  if (typeof document === 'undefined' || typeof window === 'undefined') return () => undefined;
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') flush();
  };
  const onPageHide = (): void => flush();
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', onPageHide);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
  };
}
