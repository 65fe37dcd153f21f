const QUOTED_URL = /https?:\/\/[^\s"'<>]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

/**
 * `text` with every http(s) URL in it passed through `redact`: error messages quote URLs whole
 * (fetch refusing a `user:pass@` URL, a fallback handler's "no offline page for <url>"), and such
 * messages go to span statuses and log lines. Punctuation ending a sentence is left outside the URL.
 */
export function redactQuotedUrls(text: string, redact: (url: string) => string): string {
  return text.replace(QUOTED_URL, (quoted) => {
    const url = quoted.replace(TRAILING_PUNCTUATION, '');
    return redact(url) + quoted.slice(url.length);
  });
}
