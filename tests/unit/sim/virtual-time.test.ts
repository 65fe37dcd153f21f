import { describe, expect, it } from 'vitest';
import { VirtualTime } from '../../../sim/virtual-time.js';

describe('VirtualTime (the simulation event loop)', () => {
  it('fires timers in time order, ties in the order they were set, and skips cleared ones', async () => {
    const time = new VirtualTime();
    const fired: string[] = [];
    time.setTimeout(() => fired.push('b@20'), 20);
    time.setTimeout(() => fired.push('a@10'), 10);
    time.setTimeout(() => fired.push('c@20'), 20);
    const cleared = time.setTimeout(() => fired.push('cleared'), 15);
    time.clearTimeout(cleared);
    await time.runUntil(100);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(time.elapsed()).toBe(100);
  });

  it('lets async code react to an event before time moves on', async () => {
    const time = new VirtualTime();
    const seen: number[] = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => time.setTimeout(resolve, ms));
    const worker = async () => {
      await sleep(10);
      await Promise.resolve();
      await Promise.resolve(); // a chain of awaits, as the engine has between a timer and its next timer
      seen.push(time.elapsed());
      await sleep(5);
      seen.push(time.elapsed());
    };
    void worker();
    time.setTimeout(() => seen.push(-time.elapsed()), 12); // must come between 10 and 15
    await time.runUntil(50);
    expect(seen).toEqual([10, -12, 15]);
  });

  it('does not run events past the end', async () => {
    const time = new VirtualTime();
    let fired = false;
    time.setTimeout(() => (fired = true), 30);
    await time.runUntil(29);
    expect(fired).toBe(false);
    await time.runUntil(30);
    expect(fired).toBe(true);
  });
});
