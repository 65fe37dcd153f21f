/**
 * Everything `npm run demo` runs, as one handle: the OTLP receiver, two chaos upstreams on two
 * origins, the built SPA and its `/demo-config.json`. The CLI (scripts/demo.ts) only reads the
 * environment, prints, and handles signals; the e2e test could also start this directly.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../scripts/build-app.js';
import { startChaosUpstream, type ChaosUpstreamHandle } from './chaos-upstream.js';
import type { DemoConfig } from './demo-config.js';
import { startOtlpReceiver, type OtlpReceiverHandle } from './otlp-receiver.js';
import { startStaticServer, type StaticServerHandle } from './static-server.js';

export type { DemoConfig } from './demo-config.js';

/** One port per server, each settable by its own environment variable. */
export interface DemoPorts {
  app: number;
  upstream1: number;
  upstream2: number;
  otlp: number;
}

/** Which variable sets which port, for the one-line "port in use" message. */
export const PORT_ENV: Readonly<Record<keyof DemoPorts, string>> = {
  app: 'DEMO_PORT',
  upstream1: 'UPSTREAM1_PORT',
  upstream2: 'UPSTREAM2_PORT',
  otlp: 'OTLP_PORT',
};

export const DEFAULT_PORTS: Readonly<DemoPorts> = { app: 5173, upstream1: 5174, upstream2: 5175, otlp: 5176 };

export interface DemoOptions {
  ports: DemoPorts;
  /** Where the SPA is built to and served from. */
  outDir: string;
  /** A real collector's OTLP/HTTP traces URL; every export is copied there too. */
  forwardTo?: string;
  /** Trace link shown next to each trace id; `{traceId}` is replaced. */
  traceLinkTemplate?: string;
  log?: (message: string) => void;
}

export interface DemoHandle {
  /** The one URL to open. */
  url: string;
  config: DemoConfig;
  close(): Promise<void>;
}

/** A port another process holds; the message is the whole story, in one line. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(`port ${port} is in use; set ${envVar}=<another port>`);
  }
}

const HOST = '127.0.0.1';
const DEMO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Closable {
  close(): Promise<void>;
}

/**
 * Binds every port first (so a taken port fails in a second, before the build), then builds the
 * SPA into `outDir`, writes `demo-config.json` next to it and returns. On any failure whatever was
 * started is closed again.
 */
export async function startDemo(options: DemoOptions): Promise<DemoHandle> {
  const started: Closable[] = [];
  const bind = async <T extends Closable>(key: keyof DemoPorts, start: (port: number) => Promise<T>): Promise<T> => {
    try {
      const server = await start(options.ports[key]);
      started.push(server);
      return server;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(options.ports[key], PORT_ENV[key]);
      throw error;
    }
  };
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled(started.reverse().map((s) => s.close()));
    started.length = 0;
  };

  try {
    const receiver: OtlpReceiverHandle = await bind('otlp', (port) =>
      startOtlpReceiver({ port, host: HOST, ...(options.forwardTo ? { forwardTo: options.forwardTo } : {}), ...(options.log ? { log: options.log } : {}) }),
    );
    const up1: ChaosUpstreamHandle = await bind('upstream1', (port) => startChaosUpstream({ name: 'upstream-1', port, host: HOST }));
    const up2: ChaosUpstreamHandle = await bind('upstream2', (port) => startChaosUpstream({ name: 'upstream-2', port, host: HOST }));
    // Serves outDir as it is when a request comes, so it may start before the build fills it.
    const app: StaticServerHandle = await bind('app', (port) => startStaticServer({ root: options.outDir, port, host: HOST }));

    await buildApp({ root: DEMO_ROOT, outDir: options.outDir, swEntry: 'sw.ts' });
    const config: DemoConfig = {
      upstreams: [
        { name: up1.name, url: up1.url },
        { name: up2.name, url: up2.url },
      ],
      otlp: { url: receiver.url, tracesUrl: receiver.tracesUrl },
      traceLinkTemplate: options.traceLinkTemplate ?? 'http://localhost:16686/trace/{traceId}',
      forwarding: options.forwardTo ?? null,
    };
    await writeFile(path.join(options.outDir, 'demo-config.json'), `${JSON.stringify(config, null, 2)}\n`);
    return { url: `${app.url}/`, config, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
