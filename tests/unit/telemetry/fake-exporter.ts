import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export type ExporterMode = 'ok' | 'fail' | 'throw' | 'hang' | 'manual';

/**
 * A SpanExporter whose behaviour the test picks: succeed, report failure, throw, never call back,
 * or hold each export until the test settles it (`manual`), to observe what is in flight.
 */
export class FakeExporter implements SpanExporter {
  readonly batches: ReadableSpan[][] = [];
  readonly pending: ((result: ExportResult) => void)[] = [];
  shutdowns = 0;

  constructor(public mode: ExporterMode = 'ok') {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.batches.push(spans);
    switch (this.mode) {
      case 'ok':
        return resultCallback({ code: ExportResultCode.SUCCESS });
      case 'fail':
        return resultCallback({ code: ExportResultCode.FAILED, error: new Error('collector down') });
      case 'throw':
        throw new Error('exporter bug');
      case 'hang':
        return;
      case 'manual':
        this.pending.push(resultCallback);
        return;
    }
  }

  /** Settles the oldest held export. */
  settleNext(code: ExportResultCode = ExportResultCode.SUCCESS): void {
    const callback = this.pending.shift();
    if (callback === undefined) throw new Error('no export in flight');
    callback({ code });
  }

  get exportedSpans(): ReadableSpan[] {
    return this.batches.flat();
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return this.mode === 'throw' ? Promise.reject(new Error('shutdown failed')) : Promise.resolve();
  }
}

/** Lets promise callbacks (and async functions waiting on them) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
