// Its own module, apart from origin.ts: the page needs this one alone, and a bundler that splits
// code shared by the page and the worker (Vite with both as inputs) splits by module.
/**
 * The absolute URL a fetch input names. Relative URLs resolve against the page's or worker's
 * location, as fetch does; anything fetch would reject throws the same TypeError.
 */
export function absoluteUrl(input: RequestInfo | URL): string {
  if (typeof input === 'string') {
    if (input.startsWith('https://') || input.startsWith('http://')) return input;
    const base = (globalThis as { location?: { href: string } }).location?.href;
    return new URL(input, base).href;
  }
  return input instanceof URL ? input.href : input.url;
}
