import { CALL_ERROR } from '../../../src/core/headers.js';

/** The error a worker's answer carries to our page client (CALL_ERROR), as the page reads it; undefined when none. */
export function carriedError(response: Response | undefined): { name: string; message: string } | undefined {
  const header = response?.headers.get(CALL_ERROR);
  if (header === null || header === undefined) return undefined;
  const [name = '', message = ''] = header.split(':');
  return { name, message: decodeURIComponent(message) };
}
