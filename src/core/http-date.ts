/**
 * HTTP-date (RFC 9110 §5.6.7), parsed strictly and always as GMT. `Date.parse` is not fit for
 * this: it reads asctime dates in the local time zone, rejects a leap second (`:60`), applies its
 * own two-digit-year rule to RFC 850 dates, and accepts shapes HTTP does not (ISO 8601, other
 * zones, "Nov 31" rolled over to Dec 1). Each of those would turn a server's Retry-After into a
 * wrong wait, so anything outside the three grammars is unreadable (undefined) and the caller
 * falls back to its own backoff.
 *
 * The grammars are case-sensitive, as the RFC writes them. The day name must be one of the
 * seven but is not checked against the date: it is redundant, and a mismatch leaves the instant
 * unambiguous.
 */

const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d\\d):(\\d\\d):(\\d\\d)';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d\\d) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d\\d)-${MONTH}-(\\d\\d) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete; the day is two digits or a space and one digit) */
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} (\\d\\d| \\d) ${TIME} (\\d{4})$`);

/** The fields of a date as written, before we know they name a real instant (month from 0). */
type DateFields = [year: number, month: number, day: number, hour: number, minute: number, second: number];

/** Epoch milliseconds of an HTTP-date, or undefined when `value` is not one. */
export function parseHttpDate(value: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m !== null) return instant(fields(m, 3, 2, 1, 4, 5, 6));
  m = ASCTIME_DATE.exec(value);
  if (m !== null) return instant(fields(m, 6, 1, 2, 3, 4, 5));
  m = RFC850_DATE.exec(value);
  if (m !== null) return instant(withCentury(fields(m, 3, 2, 1, 4, 5, 6), now));
  return undefined;
}

/**
 * The match's groups in the order of DateFields (each grammar writes them in its own); a month
 * name's index is its place in MONTH, four characters each after the parenthesis.
 */
function fields(match: RegExpExecArray, ...order: number[]): DateFields {
  return order.map((group, i) => (i === 1 ? (MONTH.indexOf(match[group]!) - 1) / 4 : Number(match[group]))) as DateFields;
}

/**
 * RFC 9110 §5.6.7: a two-digit year that "appears to be more than 50 years in the future" is
 * "the most recent year in the past that had the same last two digits". So: the latest year
 * ending in those digits whose instant is not more than 50 years after `now`.
 */
function withCentury([twoDigits, ...rest]: DateFields, now: number): DateFields {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() + 50);
  const year = Math.floor(limit.getUTCFullYear() / 100) * 100 + twoDigits;
  return [utc([year, ...rest]) > limit.getTime() ? year - 100 : year, ...rest];
}

/**
 * The instant the fields name in UTC, or undefined when they name none (31 Nov, 24:00). A leap
 * second, 23:59:60, is the instant after 23:59:59: JavaScript time has no leap seconds, and the
 * server means "not before the end of that second".
 */
function instant([year, month, day, hour, minute, second]: DateFields): number | undefined {
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const leap = second === 60 ? 1 : 0;
  const at = new Date(utc([year, month, day, hour, minute, second - leap]));
  // Date.UTC rolls overflow into the next unit; a date that does not round-trip does not exist.
  if (at.getUTCMonth() !== month || at.getUTCDate() !== day) return undefined;
  return at.getTime() + leap * 1000;
}

/** Date.UTC, except that years 0–99 stay years 0–99 (Date.UTC maps them to 1900–1999). */
function utc([year, ...rest]: DateFields): number {
  const at = new Date(Date.UTC(2000, ...rest));
  at.setUTCFullYear(year);
  return at.getTime();
}
