/**
 * mulberry32: a seeded pseudo-random generator (32 bits of state, one multiply-xorshift per draw,
 * good enough for simulation and shuffles). Every seeded choice in the benches and the fleet
 * simulation comes from one of these, so a seed fixes every number they print.
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
