// The worker posts what it tells pages and the log in a later task, so a call's response goes
// back first; nothing posted may be lost, reordered, or stopped by a faulty log sink.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LaterPosts } from '../../../src/sw/later-posts.js';

afterEach(() => vi.unstubAllGlobals());

describe('LaterPosts', () => {
  it('posts nothing in the calling task, then everything in order', async () => {
    const later = new LaterPosts();
    const sent: string[] = [];
    later.post(() => sent.push('stale-served'));
    later.post(() => sent.push('event'));
    expect(sent).toEqual([]);
    await later.settled();
    expect(sent).toEqual(['stale-served', 'event']);
  });

  it('settled() waits for posts queued while it waits', async () => {
    const later = new LaterPosts();
    const sent: string[] = [];
    later.post(() => {
      sent.push('first');
      later.post(() => sent.push('posted by the first'));
    });
    await later.settled();
    expect(sent).toEqual(['first', 'posted by the first']);
  });

  it('a post that throws is reported and the others still go', async () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const later = new LaterPosts();
    const sent: string[] = [];
    later.post(() => {
      throw new Error('log sink broke');
    });
    later.post(() => sent.push('after'));
    await later.settled();
    expect(sent).toEqual(['after']);
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'log sink broke' }));
  });

  it('settled() with nothing posted resolves at once', async () => {
    await expect(new LaterPosts().settled()).resolves.toBeUndefined();
  });
});
