/**
 * Whether an error means the browser refused to store more. Safari and Chromium name it
 * QuotaExceededError; old Firefox used NS_ERROR_DOM_QUOTA_REACHED. In IndexedDB it usually
 * arrives as the transaction's error after an abort, not as the failing request's error.
 */
export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('name' in error)) return false;
  return error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
