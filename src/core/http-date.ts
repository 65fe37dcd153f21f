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
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC850_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete; the day is two digits or a space and one digit) */
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} (\\d{2}| \\d) ${TIME} (\\d{4})$`);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The fields of a date as written, before we know they name a real instant. */
interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Epoch milliseconds of an HTTP-date, or undefined when `value` is not one. */
export function parseHttpDate(value: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m !== null) return instant(parts(m[3]!, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!));
  m = ASCTIME_DATE.exec(value);
  if (m !== null) return instant(parts(m[6]!, m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!));
  m = RFC850_DATE.exec(value);
  if (m !== null) return instant(withCentury(parts(m[3]!, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!), now));
  return undefined;
}

function parts(year: string, monthName: string, day: string, hour: string, minute: string, second: string): DateParts {
  return { year: Number(year), month: MONTHS.indexOf(monthName), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) };
}

/**
 * RFC 9110 §5.6.7: a two-digit year that "appears to be more than 50 years in the future" is
 * "the most recent year in the past that had the same last two digits". So: the latest year
 * ending in those digits whose instant is not more than 50 years after `now`.
 */
function withCentury(date: DateParts, now: number): DateParts {
  const limit = new Date(now);
  limit.setUTCFullYear(limit.getUTCFullYear() + 50);
  let year = Math.floor(limit.getUTCFullYear() / 100) * 100 + date.year;
  if (utc({ ...date, year }) > limit.getTime()) year -= 100;
  return { ...date, year };
}

/**
 * The instant the parts name in UTC, or undefined when they name none (31 Nov, 24:00). A leap
 * second, 23:59:60, is the instant after 23:59:59: JavaScript time has no leap seconds, and the
 * server means "not before the end of that second".
 */
function instant(date: DateParts): number | undefined {
  if (date.hour > 23 || date.minute > 59 || date.second > 60) return undefined;
  const leap = date.second === 60 ? 1 : 0;
  const at = new Date(utc({ ...date, second: date.second - leap }));
  // Date.UTC rolls overflow into the next unit; a date that does not round-trip does not exist.
  if (at.getUTCMonth() !== date.month || at.getUTCDate() !== date.day) return undefined;
  return at.getTime() + leap * 1000;
}

/** Date.UTC, except that years 0–99 stay years 0–99 (Date.UTC maps them to 1900–1999). */
function utc(date: DateParts): number {
  const at = new Date(Date.UTC(2000, date.month, date.day, date.hour, date.minute, date.second));
  at.setUTCFullYear(date.year);
  return at.getTime();
}
