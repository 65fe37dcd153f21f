/**
 * Whether a status counts against the breaker: 5xx (but 501 Not Implemented, which retrying
 * or waiting never fixes), 408 and 429. Other 4xx are the caller's problem, not the origin's.
 */
export function isFailureStatus(status: number): boolean {
  return (status >= 500 && status !== 501) || status === 408 || status === 429;
}

/** An answer the caller gets as it is: not a failure, not a status the policy retries. */
export function isPlainAnswer(status: number, retryOnStatus: readonly number[]): boolean {
  return !isFailureStatus(status) && !retryOnStatus.includes(status);
}

/** A server pushing back: the whole origin pauses when one of these carries Retry-After. */
export function isPushbackStatus(status: number): boolean {
  return status === 429 || status === 503;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method);
}
