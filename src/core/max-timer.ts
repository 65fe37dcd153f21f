/**
 * The longest a timer waits (2^31 - 1 ms): past it, browsers and Node fire at once, as if given 0.
 * The engine and the telemetry layer both check against it. (The page client writes it out: see
 * client/register.ts.)
 */
export const MAX_TIMER_MS = 2_147_483_647;
