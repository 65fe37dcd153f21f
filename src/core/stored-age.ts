/**
 * How far ahead of the clock a stored time may be and still be read as "just now". A stamp
 * later than now means the wall clock went back since (NTP stepping a clock that ran fast, a user
 * changing the time): RFC 9111 §4.2.3 takes max(0, ...) of such a difference, which is right
 * for the skew between two clocks but not for our own clock stepping back a day, where it served
 * a copy as fresh for that day past maxStaleMs. A minute covers NTP's corrections of a drifting
 * clock (seconds a day) and misstates an age by at most that minute.
 */
export const CLOCK_STEP_TOLERANCE_MS = 60_000;

/**
 * How long ago `at` (a time stamped with this clock) was: 0 within the tolerance above a stamp
 * later than now, else Infinity, an age we cannot know and so older than any finite limit.
 */
export function ageMs(at: number, now: number): number {
  const age = now - at;
  if (age >= 0) return age;
  return -age <= CLOCK_STEP_TOLERANCE_MS ? 0 : Infinity;
}
