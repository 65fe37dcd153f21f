import { seededRandom } from '../bench/lib/seeded-random.js';

export { seededRandom };
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
