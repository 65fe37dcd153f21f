export type VaryValues = [name: string, value: string | null][];

/**
 * Header names in a response's Vary: lower-cased, de-duplicated and sorted, so `Accept, accept`
 * and `Accept-Language, Accept` key the same way. `'*'` when the response varies on everything.
 */
export function varyHeaderNames(response: Response): string[] | '*' {
  const header = response.headers.get('vary');
  if (header === null) return [];
  const names = new Set<string>();
  for (const part of header.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '*') return '*';
    if (name !== '') names.add(name);
  }
  return [...names].sort();
}

/** The request's values for those names; an absent header is null, which differs from ''. */
export function varyValues(request: Request, names: readonly string[]): VaryValues {
  return names.map((name) => [name, request.headers.get(name)]);
}

/** Whether a request would have been sent with the same varying headers as the stored one. */
export function varyMatches(request: Request, stored: VaryValues): boolean {
  return stored.every(([name, value]) => request.headers.get(name) === value);
}

/** The serialized form used as the last part of the primary key. */
export function varyKey(values: VaryValues): string {
  return JSON.stringify(values);
}
