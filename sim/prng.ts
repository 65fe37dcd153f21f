/**
 * A seeded pseudo-random generator (mulberry32: 32 bits of state, passes the usual statistical
 * batteries for simulation use, one multiply-xorshift per draw). Every random choice in the
 * simulation comes from one of these, so a seed fixes every number it prints.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for stream `index` derived from a master seed, so client 7's draws never depend on client 6's. */
export function streamSeed(master: number, index: number): number {
  let h = (master ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Time to the next event of a Poisson process with `ratePerSecond`, in ms. */
export function exponentialMs(random: () => number, ratePerSecond: number): number {
  return (-Math.log(1 - random()) / ratePerSecond) * 1000;
}
