/**
 * How the in-page engine's requests say "already resilient" to a worker they pass through: the
 * URL's fragment. The in-page engine runs when the page finds no worker of ours in time (a
 * handshake answered late, a Workbox worker whose `ResilientStrategy` does not answer it), yet its
 * fetches still go through the controlling worker; a worker of ours, or a `ResilientStrategy`
 * route, must then send them once as they are, or each of the page's 3 attempts ran 3 more (an
 * outage measured 6 upstream requests for one call, 3 × 3 without the retry budget's cap).
 *
 * Not a header: a worker not ours would forward it (a CORS preflight, and a leak). A fragment is
 * never sent on the network and needs no state: it holds in every tab, survives a worker restart
 * and cannot arrive after its request, where a message telling the worker so could.
 */
export const IN_PAGE_FRAGMENT = '#resilient-fetch-in-page';

/** Whether the in-page engine sent this request (its URL as the worker sees it). */
export function isInPageRequest(url: string): boolean {
  return url.endsWith(IN_PAGE_FRAGMENT);
}
