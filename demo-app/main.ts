// Page tracing first: it loads zone.js, which must patch the page before anything else runs.
import { setupPageTracing } from '../src/telemetry/index.js';
import { registerResilience, type PolicyConfig, type ResilienceHandle } from '../src/index.js';
import { ResolvedPolicy } from '../src/core/policy.js';
import { getStats } from './clients/chaos.js';
import { demoPolicy, loadDemoConfig, workerScriptUrl, type DemoConfig } from './demo-setup.js';
import { LoadGenerator } from './load/load-generator.js';
import { Dashboard } from './model/dashboard.js';
import { announcer } from './ui/announcer.js';
import { h } from './ui/dom.js';
import { originCard } from './ui/origin-card.js';
import { outboxPanel } from './ui/outbox-panel.js';
import { policyPanel } from './ui/policy-panel.js';
import { tracePanel } from './ui/trace-panel.js';
import { trafficPanel } from './ui/traffic-panel.js';
import { workerPanel } from './ui/worker-panel.js';
import { WORKER_CHANNEL, type WorkerHeartbeat, type WorkerPing } from './worker-heartbeat.js';

const POLL_MS = 1_000;
const TRACE_POLL_MS = 2_000;
const HEARTBEAT_MS = 2_000;

async function main(config: DemoConfig): Promise<void> {
  setupPageTracing({ serviceName: 'demo-page', endpoint: config.otlp.tracesUrl, scheduledDelayMillis: 500 });
  const defaults = demoPolicy(config);
  let resolved = new ResolvedPolicy(defaults);
  let handle: ResilienceHandle | undefined;
  let idle = false;

  const model = new Dashboard(config.upstreams);
  const announce = announcer();
  let wasRunning = false;
  const load = new LoadGenerator(config.upstreams.map((u) => u.url), (r) => model.recordCall(r), () => {
    if (load.running !== wasRunning) announce.say(load.running ? 'Load generator started.' : 'Load generator stopped.');
    wasRunning = load.running;
    scheduleRender();
  });
  const cards = config.upstreams.map((u) => originCard(u.name, u.url));
  const traffic = trafficPanel(model, load);
  const traces = tracePanel(config.otlp.url, config.traceLinkTemplate);
  const readLivePolicy = async (): Promise<PolicyConfig | undefined> => (handle === undefined ? undefined : (await handle.config()).policy);
  const useLivePolicy = async (): Promise<void> => {
    const live = await readLivePolicy().catch(() => undefined);
    if (live !== undefined) resolved = new ResolvedPolicy(live);
    scheduleRender();
  };
  const policy = policyPanel({
    defaults,
    read: readLivePolicy,
    apply: async (p: PolicyConfig) => {
      if (handle === undefined) throw new Error('no service worker controls this page');
      await handle.configure({ policy: p });
      await useLivePolicy();
    },
    clearCache: async () => {
      if (handle === undefined) throw new Error('no service worker controls this page');
      await handle.clearCache();
    },
  });
  const outbox = outboxPanel(() => handle, config.upstreams[0]!.url);
  const worker = workerPanel(model, (next) => {
    idle = next;
    if (idle) load.stop();
    else void poll();
    scheduleRender();
  });

  document.getElementById('app')!.replaceChildren(
    traffic.el,
    h('section', { class: 'origins-section', 'aria-labelledby': 'origins-h' },
      h('h2', { id: 'origins-h' }, 'Origins'),
      h('div', { class: 'origins' }, ...cards.map((c) => c.el)),
    ),
    h('div', { class: 'split' }, traces.el, policy.el),
    h('div', { class: 'split' }, outbox.el, worker.el),
    announce.el,
  );

  // Breaker changes are announced once each (the model dedupes event and snapshot reports).
  const announced = new Map<string, string | undefined>();
  const announceBreakers = (): void => {
    for (const o of model.origins) {
      if (o.state !== undefined && announced.has(o.name) && announced.get(o.name) !== o.state) announce.say(`${o.name}: breaker ${o.state}.`);
      announced.set(o.name, o.state);
    }
  };

  let frame = 0;
  function scheduleRender(): void {
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      const now = Date.now();
      model.origins.forEach((o, i) => cards[i]!.update(o, resolved.for(o.origin), now));
      traffic.update(now);
      worker.update(idle);
      announceBreakers();
    });
  }
  model.onChange(scheduleRender);
  setInterval(scheduleRender, 500); // clocks and charts move on without new data

  async function poll(): Promise<void> {
    if (idle) return;
    const sentAt = Date.now();
    await Promise.allSettled([
      handle?.state().then((origins) => model.applySnapshots(origins, sentAt)),
      ...model.origins.map((o) => getStats(o.origin).then((s) => o.setReceived(s.total))),
    ]);
    scheduleRender();
  }

  // Heartbeat: which worker instance is running (see worker-panel.ts).
  const channel = new BroadcastChannel(WORKER_CHANNEL);
  channel.onmessage = (event: MessageEvent<WorkerHeartbeat | WorkerPing>) => {
    if (event.data.type !== 'alive') return;
    const restarted = model.worker.kind === 'running' || model.worker.kind === 'stopped';
    model.heartbeat(event.data, Date.now());
    if (restarted) void poll();
  };
  setInterval(() => {
    const sentAt = Date.now();
    channel.postMessage({ type: 'ping' } satisfies WorkerPing);
    setTimeout(() => model.heartbeatMissed(sentAt), 1_000);
  }, HEARTBEAT_MS);

  try {
    handle = await registerResilience({ scriptURL: workerScriptUrl(config), config: { policy: defaults } });
    handle.subscribe((message) => (message.type === 'outbox' ? void outbox.refresh() : model.applyBroadcast(message)));
    // A newer demo worker took over (see sw.ts): give it the demo's policy too.
    navigator.serviceWorker.addEventListener('controllerchange', () => void handle?.configure({ policy: defaults }).then(useLivePolicy));
    channel.postMessage({ type: 'ping' } satisfies WorkerPing);
  } catch (error) {
    model.noWorker(error instanceof Error ? error.message : String(error));
  }
  await Promise.all([policy.load(), useLivePolicy(), poll(), traces.refresh(), outbox.refresh()]);
  setInterval(() => void poll(), POLL_MS);
  setInterval(() => void (idle ? undefined : traces.refresh()), TRACE_POLL_MS);
  document.body.dataset.ready = 'true';
}

loadDemoConfig().then(main).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  document.getElementById('app')!.replaceChildren(h('p', { class: 'fatal', role: 'alert' }, `The dashboard could not start: ${message}`));
});
