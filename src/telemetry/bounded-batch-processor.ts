import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { exportBatch } from './export-batch.js';
import { settleWithin } from './settle-within.js';
import { MAX_TIMER_MS } from '../core/max-timer.js';

export interface BoundedBatchOptions {
  /** Ended spans held while waiting for export; past this they are dropped and counted. (2048) */
  maxQueueSize?: number;
  /** Spans per export request; reaching it also starts an export without waiting for a flush. (512) */
  maxExportBatchSize?: number;
  /** Longest wait for one export before it counts as failed, in ms. (5000) */
  exportTimeoutMillis?: number;
  /**
   * Least time between two exports started by `flush()`: under steady traffic one export carries
   * many calls' spans instead of one request per call. The first flush after a quiet spell
   * exports at once. (0: every flush exports)
   */
  minExportIntervalMillis?: number;
}

export const BOUNDED_BATCH_DEFAULTS = { maxQueueSize: 2048, maxExportBatchSize: 512, exportTimeoutMillis: 5000, minExportIntervalMillis: 0 } as const;

interface FlushWaiter {
  /** The flush is done once this many spans have been through an export. */
  target: number;
  resolve: () => void;
}

/**
 * A span processor for a service worker, which the browser may stop at any moment once no event
 * is pending. The SDK's BatchSpanProcessor exports on a timer, which a stopped worker never
 * reaches; this one exports when the worker asks (`flush()`, called under `event.waitUntil`) or
 * when a full batch is waiting, and has no timer of its own.
 *
 * Everything is bounded so that a collector that is down costs the app nothing: the queue holds at
 * most `maxQueueSize` spans (the rest are dropped and counted), one export runs at a time, each
 * export gives up after `exportTimeoutMillis`, and `flush()` never rejects. Failed batches are not
 * retried: retrying would hold memory and `waitUntil` for data that is only diagnostic.
 */
export class BoundedBatchSpanProcessor implements SpanProcessor {
  private readonly maxQueueSize: number;
  private readonly maxExportBatchSize: number;
  private readonly exportTimeoutMillis: number;
  private readonly queue: ReadableSpan[] = [];
  private readonly waiters: FlushWaiter[] = [];
  /** Spans ever accepted into the queue / ever handed to an export (either outcome); FIFO, so a flush waits on a count. */
  private accepted = 0;
  private exported = 0;
  private droppedSpans = 0;
  private failedSpans = 0;
  private draining = false;
  private stopped = false;
  private readonly minExportIntervalMillis: number;
  private lastExportAt = -Infinity;
  /** Set by forceFlush/shutdown: export now, whatever the interval says. */
  private urgent = false;

  constructor(
    private readonly exporter: SpanExporter,
    options: BoundedBatchOptions = {},
  ) {
    this.maxQueueSize = positive(options.maxQueueSize, BOUNDED_BATCH_DEFAULTS.maxQueueSize, 'maxQueueSize');
    this.maxExportBatchSize = Math.min(positive(options.maxExportBatchSize, BOUNDED_BATCH_DEFAULTS.maxExportBatchSize, 'maxExportBatchSize'), this.maxQueueSize);
    // Past MAX_TIMER_MS a timer fires at once: every export would "time out" unsent, and an interval wait would spin.
    this.exportTimeoutMillis = positive(options.exportTimeoutMillis, BOUNDED_BATCH_DEFAULTS.exportTimeoutMillis, 'exportTimeoutMillis', MAX_TIMER_MS);
    const interval = options.minExportIntervalMillis ?? BOUNDED_BATCH_DEFAULTS.minExportIntervalMillis;
    if (!(interval >= 0 && interval <= MAX_TIMER_MS)) throw new TypeError(`minExportIntervalMillis must be a number of ms from 0 to ${MAX_TIMER_MS}, got ${interval}`);
    this.minExportIntervalMillis = interval;
  }

  onStart(): void {
    // Nothing to do until a span ends.
  }

  onEnd(span: ReadableSpan): void {
    if (this.stopped) return;
    // A recording but unsampled span (possible with some samplers) must not be exported.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queue.length >= this.maxQueueSize) {
      this.droppedSpans++;
      return;
    }
    this.queue.push(span);
    this.accepted++;
    if (this.queue.length >= this.maxExportBatchSize) this.drain();
  }

  /**
   * Resolves once every span that had ended when it was called has been through an export,
   * successful or not. Spans ending meanwhile do not extend the wait, so under steady load a flush
   * still ends. Never rejects; worst case it takes one `exportTimeoutMillis` per batch.
   */
  flush(): Promise<void> {
    if (this.exported >= this.accepted) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push({ target: this.accepted, resolve }));
    this.drain();
    return done;
  }

  /** Like flush, but exports at once even within `minExportIntervalMillis`. */
  forceFlush(): Promise<void> {
    this.urgent = true;
    return this.flush();
  }

  /** Flushes, then stops accepting spans and shuts the exporter down (also bounded, never rejects). */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.forceFlush();
    this.stopped = true;
    // Called through a promise so an exporter that throws synchronously is handled like one that rejects.
    await settleWithin(Promise.resolve().then(() => this.exporter.shutdown()), this.exportTimeoutMillis);
  }

  /** Spans dropped because the queue was full. */
  dropped(): number {
    return this.droppedSpans;
  }

  /** Spans whose export failed or timed out. */
  failed(): number {
    return this.failedSpans;
  }

  /** Spans waiting for export. */
  queued(): number {
    return this.queue.length;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    void this.exportAll();
  }

  /**
   * One export at a time until the queue is empty. `draining` is cleared synchronously after the
   * last check of the queue, so a span or flush arriving later always starts a new drain.
   */
  private async exportAll(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // A partial batch waits out the interval (the caller's waitUntil keeps the worker alive);
        // a full one, or a forced flush, goes at once.
        // Capped at one interval: a wall clock set back (NTP, the user) would otherwise hold the
        // flush, and the worker's waitUntil, for as long as the jump; so one wait, then export.
        const wait = Math.min(this.lastExportAt + this.minExportIntervalMillis - Date.now(), this.minExportIntervalMillis);
        if (wait > 0 && !this.urgent && this.queue.length < this.maxExportBatchSize) {
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        this.lastExportAt = Date.now();
        const batch = this.queue.splice(0, this.maxExportBatchSize);
        const ok = await exportBatch(this.exporter, batch, this.exportTimeoutMillis);
        if (!ok) this.failedSpans += batch.length;
        this.exported += batch.length;
        this.releaseWaiters();
      }
    } finally {
      this.draining = false;
      this.urgent = false;
    }
  }

  private releaseWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i];
      if (waiter !== undefined && waiter.target <= this.exported) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value >= 1 && value <= max)) throw new TypeError(`${name} must be a number from 1 to ${max}, got ${value}`);
  return Math.floor(value);
}
