/** A new outbox entry id: what the caller gets in `X-Resilience-Outbox-Id` and `list()` shows. */
export function newOutboxId(): string {
  return crypto.randomUUID();
}

/**
 * A new `Idempotency-Key` value. draft-ietf-httpapi-idempotency-key-header makes it a Structured
 * Field string, so it is quoted; a UUID v4 is what the draft's examples use (122 random bits:
 * two writes never share one).
 */
export function newIdempotencyKey(): string {
  return `"${crypto.randomUUID()}"`;
}
