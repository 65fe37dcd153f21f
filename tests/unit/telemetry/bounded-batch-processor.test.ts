import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BoundedBatchSpanProcessor, type BoundedBatchOptions } from '../../../src/telemetry/bounded-batch-processor.js';
import { FakeExporter, settle, type ExporterMode } from './fake-exporter.js';

function setup(mode: ExporterMode, options: BoundedBatchOptions = {}) {
  const exporter = new FakeExporter(mode);
  const processor = new BoundedBatchSpanProcessor(exporter, options);
  const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('test');
  const end = (n: number, prefix = 's'): void => {
    for (let i = 0; i < n; i++) tracer.startSpan(`${prefix}${i}`).end();
  };
  return { exporter, processor, end };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BoundedBatchSpanProcessor', () => {
  it('exports nothing until flushed (below a batch), then everything in batches', async () => {
    const { exporter, processor, end } = setup('ok', { maxExportBatchSize: 4 });
    end(3);
    await settle();
    expect(exporter.batches).toHaveLength(0);
    expect(processor.queued()).toBe(3);

    await processor.flush();
    expect(exporter.batches.map((b) => b.length)).toEqual([3]);
    expect(exporter.exportedSpans.map((s) => s.name)).toEqual(['s0', 's1', 's2']);
    expect(processor.queued()).toBe(0);
    expect(processor.dropped()).toBe(0);
    expect(processor.failed()).toBe(0);
  });

  it('flush with nothing queued resolves at once', async () => {
    const { exporter, processor } = setup('ok');
    await processor.flush();
    expect(exporter.batches).toHaveLength(0);
  });

  it('exports on its own when a full batch is waiting, without a flush', async () => {
    const { exporter, end } = setup('ok', { maxExportBatchSize: 5 });
    end(4);
    expect(exporter.batches).toHaveLength(0);
    end(1);
    await settle();
    expect(exporter.batches.map((b) => b.length)).toEqual([5]);
  });

  it('drops spans beyond maxQueueSize and counts them', async () => {
    // The first full batch is in flight (held), so the next spans queue up to the bound.
    const { exporter, processor, end } = setup('manual', { maxQueueSize: 3, maxExportBatchSize: 3 });
    end(3);
    expect(exporter.pending).toHaveLength(1);
    end(5, 'late');
    expect(processor.queued()).toBe(3);
    expect(processor.dropped()).toBe(2);

    const flushed = processor.flush();
    exporter.settleNext();
    await settle();
    exporter.settleNext();
    await flushed;
    expect(exporter.exportedSpans.map((s) => s.name)).toEqual(['s0', 's1', 's2', 'late0', 'late1', 'late2']);
    expect(processor.dropped()).toBe(2);
  });

  it('keeps one export in flight at a time', async () => {
    const { exporter, processor, end } = setup('manual', { maxExportBatchSize: 2 });
    end(5);
    const flushed = processor.flush();
    let done = false;
    void flushed.then(() => (done = true));
    for (const expected of [2, 2, 1]) {
      await settle();
      expect(exporter.pending).toHaveLength(1);
      expect(exporter.batches.at(-1)).toHaveLength(expected);
      exporter.settleNext();
    }
    await flushed;
    expect(done).toBe(true);
    expect(exporter.batches).toHaveLength(3);
  });

  it('a flush waits only for spans ended before it was called', async () => {
    const { exporter, processor, end } = setup('manual', { maxExportBatchSize: 10 });
    end(2);
    const flushed = processor.flush();
    end(3, 'after');
    await settle();
    exporter.settleNext(); // the 2 spans the flush is about
    await flushed; // resolves although the 3 later spans are exported next
    await settle();
    expect(exporter.pending).toHaveLength(1);
    expect(exporter.batches.at(-1)!.map((s) => s.name)).toEqual(['after0', 'after1', 'after2']);
    exporter.settleNext();
  });

  it('a failing exporter never throws and flush resolves; failures are counted, not retried', async () => {
    const { exporter, processor, end } = setup('fail', { maxExportBatchSize: 2 });
    end(3);
    await expect(processor.flush()).resolves.toBeUndefined();
    expect(processor.failed()).toBe(3);
    expect(processor.queued()).toBe(0);
    expect(exporter.batches).toHaveLength(2);
    await processor.flush();
    expect(exporter.batches).toHaveLength(2);
  });

  it('an exporter that throws synchronously is a failed export, not an app error', async () => {
    const { processor, end } = setup('throw', { maxExportBatchSize: 2 });
    expect(() => end(2)).not.toThrow(); // the auto-export at the batch size throws inside
    end(1);
    await expect(processor.flush()).resolves.toBeUndefined();
    expect(processor.failed()).toBe(3);
  });

  it('a hanging exporter holds a flush no longer than exportTimeoutMillis', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { exporter, processor, end } = setup('hang', { exportTimeoutMillis: 5000 });
    end(2);
    let done = false;
    const flushed = processor.flush().then(() => (done = true));
    await vi.advanceTimersByTimeAsync(4999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await flushed;
    expect(done).toBe(true);
    expect(processor.failed()).toBe(2);
    expect(exporter.batches).toHaveLength(1);
  });

  it('with a hanging exporter, each batch gets its own timeout and the next flush still works', async () => {
    // Fake timers first: with a batch size of 1 the first export (and its timeout) starts inside end().
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { exporter, processor, end } = setup('hang', { exportTimeoutMillis: 100, maxExportBatchSize: 1 });
    end(2);
    const flushed = processor.flush();
    await vi.advanceTimersByTimeAsync(200);
    await flushed;
    exporter.mode = 'ok';
    end(1, 'later');
    await vi.advanceTimersByTimeAsync(0); // the batch-size auto-export of 'later0'
    await processor.flush();
    expect(processor.failed()).toBe(2);
    expect(exporter.batches.at(-1)!.map((s) => s.name)).toEqual(['later0']);
  });

  it('shutdown flushes, shuts the exporter down, then ignores new spans; never rejects', async () => {
    const { exporter, processor, end } = setup('ok');
    end(2);
    await processor.shutdown();
    expect(exporter.exportedSpans).toHaveLength(2);
    expect(exporter.shutdowns).toBe(1);
    end(2);
    await processor.flush();
    expect(exporter.exportedSpans).toHaveLength(2);
    expect(processor.queued()).toBe(0);

    const failing = setup('throw');
    failing.end(1);
    await expect(failing.processor.shutdown()).resolves.toBeUndefined();
  });

  it('rejects nonsense bounds at construction', () => {
    expect(() => new BoundedBatchSpanProcessor(new FakeExporter(), { maxQueueSize: 0 })).toThrow(TypeError);
    expect(() => new BoundedBatchSpanProcessor(new FakeExporter(), { exportTimeoutMillis: Number.NaN })).toThrow(TypeError);
  });

  it('a failed manual settle counts as failed', async () => {
    const { exporter, processor, end } = setup('manual');
    end(1);
    const flushed = processor.flush();
    await settle();
    exporter.settleNext(ExportResultCode.FAILED);
    await flushed;
    expect(processor.failed()).toBe(1);
  });
});

describe('export coalescing (minExportIntervalMillis)', () => {
  it('exports the first flush at once, then batches flushes that come within the interval into one export', async () => {
    vi.useFakeTimers();
    const { exporter, processor, end } = setup('ok', { minExportIntervalMillis: 1_000 });
    end(1, 'a');
    await processor.flush();
    expect(exporter.batches.map((b) => b.length)).toEqual([1]);

    const flushes: Promise<void>[] = [];
    for (const prefix of ['b', 'c', 'd']) {
      end(1, prefix);
      flushes.push(processor.flush());
    }
    await vi.advanceTimersByTimeAsync(999);
    expect(exporter.batches.map((b) => b.length)).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(flushes);
    expect(exporter.batches.map((b) => b.length)).toEqual([1, 3]);

    end(1, 'e');
    await processor.forceFlush();
    expect(exporter.batches.map((b) => b.length)).toEqual([1, 3, 1]);
  });

  it('a wall clock set back (NTP, the user) delays a flush by one interval at most, not by the jump', async () => {
    vi.useFakeTimers();
    const { exporter, processor, end } = setup('ok', { minExportIntervalMillis: 1_000 });
    end(1, 'a');
    await processor.flush();
    vi.setSystemTime(Date.now() - 3_600_000);
    end(1, 'b');
    let flushed = false;
    void processor.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(flushed).toBe(true);
    expect(exporter.batches.map((b) => b.length)).toEqual([1, 1]);
  });
});
