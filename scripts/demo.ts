// `npm run demo`: the SPA with its live dashboard, two fault-injecting upstreams and an embedded
// OTLP receiver, all on 127.0.0.1. Prints one URL to open; Ctrl-C (SIGINT) or SIGTERM stops
// every server. Environment: DEMO_PORT, UPSTREAM1_PORT, UPSTREAM2_PORT, OTLP_PORT (ports),
// OTLP_FORWARD_URL (copy every export to a real collector, e.g. http://localhost:4318/v1/traces),
// DEMO_TRACE_LINK (trace link template, `{traceId}` replaced), DEMO_OUT_DIR (build output).
import path from 'node:path';
import { DEFAULT_PORTS, PORT_ENV, PortInUseError, startDemo, type DemoHandle, type DemoPorts } from '../demo-app/server/start-demo.js';

const PREFIX = 'resilient-fetch demo:';

function fail(message: string): never {
  console.error(`${PREFIX} ${message}`);
  process.exit(1);
}

function readPorts(): DemoPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(PORT_ENV) as (keyof DemoPorts)[]) {
    const raw = process.env[PORT_ENV[key]];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`${PORT_ENV[key]}=${raw} is not a port (1-65535)`);
    ports[key] = port;
  }
  const taken = new Map<number, string>();
  for (const key of Object.keys(ports) as (keyof DemoPorts)[]) {
    const other = taken.get(ports[key]);
    if (other !== undefined) fail(`${other} and ${PORT_ENV[key]} are both ${ports[key]}; give each server its own port`);
    taken.set(ports[key], PORT_ENV[key]);
  }
  return ports;
}

async function main(): Promise<void> {
  const ports = readPorts();
  const forwardTo = process.env.OTLP_FORWARD_URL || undefined;
  if (forwardTo !== undefined && !URL.canParse(forwardTo)) fail(`OTLP_FORWARD_URL=${forwardTo} is not a URL`);

  let demo: DemoHandle | undefined;
  let stopping: Promise<void> | undefined;
  // Ctrl-C reaches every process of the group (npm and us); stopping is idempotent anyway.
  const stop = (why: string): void => {
    stopping ??= (async () => {
      await demo?.close();
      console.log(`${PREFIX} stopped (${why})`);
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // `kill <npm's pid>` ends npm without passing the signal on, and we would be left holding the
  // ports: notice being orphaned (our parent changes) and stop too.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop('parent process exited'), 500).unref();

  try {
    demo = await startDemo({
      ports,
      outDir: path.resolve(process.env.DEMO_OUT_DIR || 'dist-demo'),
      ...(forwardTo !== undefined ? { forwardTo } : {}),
      ...(process.env.DEMO_TRACE_LINK ? { traceLinkTemplate: process.env.DEMO_TRACE_LINK } : {}),
      log: (message) => console.warn(`${PREFIX} ${message}`),
    });
  } catch (error) {
    if (error instanceof PortInUseError) fail(error.message);
    fail(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (stopping !== undefined) return; // a signal came during the build; stop() closes what started
  console.log(`${PREFIX} ${demo.url}`);
  if (forwardTo !== undefined) console.log(`${PREFIX} forwarding traces to ${forwardTo}`);
}

void main();
