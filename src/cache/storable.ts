import type { SkipReason } from './events.js';
import { varyHeaderNames } from './vary.js';

export interface StorableContext {
  partition: string | null;
  maxEntryBytes: number;
}

/**
 * Why a response must not be stored, judged from metadata alone (before the body is read), or
 * undefined when it may be. The body's real size is checked again while reading it.
 */
export function whyNotStorable(request: Request, response: Response, ctx: StorableContext): SkipReason | undefined {
  if (request.method !== 'GET') return 'method';
  // RFC 9111 §5.2.1.5: a request's no-store forbids storing its response, as the fetch option does.
  if (request.cache === 'no-store' || hasDirective(request.headers.get('cache-control'), 'no-store')) return 'request-no-store';
  // Opaque (no-cors) responses report status 0 and hide everything, so we cannot judge them.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return 'opaque';
  if (response.status !== 200) return 'status';
  if (hasDirective(response.headers.get('cache-control'), 'no-store')) return 'no-store';
  const vary = varyHeaderNames(response);
  if (vary === '*') return 'vary-star';
  // One user's data; only a partition keeps it from another user.
  if (ctx.partition === null) {
    if (request.headers.has('authorization')) return 'authorization';
    if (hasDirective(response.headers.get('cache-control'), 'private')) return 'private';
    // Browsers hide cookies from fetch and from workers: every request "matches" on Cookie.
    if (vary.includes('cookie')) return 'vary-cookie';
  }
  const declared = contentLength(response);
  if (declared !== undefined && declared > ctx.maxEntryBytes) return 'too-large';
  return undefined;
}

/** Whether a lookup may be answered at all: the mirror image of the put rules on the request. */
export function mayMatch(request: Request, partition: string | null): boolean {
  return request.method === 'GET' && !(partition === null && request.headers.has('authorization'));
}

/**
 * Whether a stored entry may answer without a partition. put never stores such an entry
 * unpartitioned, but an older version of this cache did.
 */
export function servableUnpartitioned(entry: { vary: [string, string | null][]; headers: [string, string][] }): boolean {
  if (entry.vary.some(([name]) => name === 'cookie')) return false;
  return !entry.headers.some(([name, value]) => name === 'cache-control' && hasDirective(value, 'private'));
}

function hasDirective(header: string | null, directive: string): boolean {
  if (header === null) return false;
  return header.split(',').some((part) => part.split('=', 1)[0]?.trim().toLowerCase() === directive);
}

function contentLength(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  // A malformed or combined value ("10, 10") is ignored; the real size is checked anyway.
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header);
}
