// Its own module, apart from origin.ts: the page needs this one alone, and a bundler that splits
// code shared by the page and the worker (Vite with both as inputs) splits by module.
/**
 * The absolute URL a fetch input names. Relative URLs resolve against the page's or worker's
 * location, as fetch does; anything fetch would reject throws the same TypeError.
 */
export function absoluteUrl(input: RequestInfo | URL): string {
  if (typeof input === 'object' && 'url' in input) return input.url; // a Request (of any realm)
  // Anything else by its string, as fetch takes it: a URL, `location`, an anchor element.
  const url = String(input);
  if (url.startsWith('https://') || url.startsWith('http://')) return url;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return new URL(url, base).href;
}
