/**
 * The fault switches of one upstream, sent to its `/__chaos` API as they change. The form shows
 * the upstream's own faults on load, so a reload never lies about what is injected.
 */
import { clearFaults, getFaults, setFaults, type ChaosFaults } from '../clients/chaos.js';
import { h, uid } from './dom.js';

type Field = HTMLInputElement | HTMLSelectElement;

export function faultForm(name: string, upstream: string): HTMLElement {
  const message = h('p', { class: 'form-message', role: 'status' });
  const fields = new Map<keyof ChaosFaults | 'flapUp' | 'flapDown', Field>();

  const send = async (partial: Partial<ChaosFaults>, what: string): Promise<void> => {
    try {
      show(await setFaults(upstream, partial));
      message.className = 'form-message';
      message.textContent = `${what}: applied`;
    } catch (error) {
      message.className = 'form-message error';
      message.textContent = `${what}: refused: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const check = (key: 'outage' | 'hang' | 'reset' | 'status429', label: string, hint: string) => {
    const id = uid('fault');
    const input = h('input', { type: 'checkbox', id, 'data-testid': `fault-${key}-${name}`, onchange: () => void send({ [key]: input.checked }, label) });
    fields.set(key, input);
    return h('div', { class: 'switch' }, input, h('label', { for: id }, label, h('span', { class: 'hint' }, hint)));
  };

  const number = (key: 'latencyMs' | 'jitterMs' | 'retryAfter' | 'flapUp' | 'flapDown', label: string, attrs: Record<string, string | number>, onchange: (value: string) => void) => {
    const id = uid('fault');
    const input = h('input', { type: 'number', id, inputmode: 'numeric', ...attrs, onchange: () => onchange(input.value) });
    fields.set(key, input);
    return h('div', { class: 'field' }, h('label', { for: id }, label), input);
  };

  const rateId = uid('fault');
  const rateOut = h('output', { for: rateId }, '0%');
  const rate = h('input', { type: 'range', id: rateId, min: 0, max: 100, step: 5, value: 0, 'data-testid': `fault-errorRate-${name}` });
  rate.addEventListener('input', () => (rateOut.textContent = `${rate.value}%`));
  rate.addEventListener('change', () => void send({ errorRate: Number(rate.value) / 100 }, 'Error rate'));
  fields.set('errorRate', rate);

  const statusId = uid('fault');
  const status = h('select', { id: statusId, onchange: () => void send({ errorStatus: Number(status.value) }, 'Error status') },
    ...[500, 502, 503, 504].map((code) => h('option', { value: code }, String(code))));
  fields.set('errorStatus', status);

  const flapId = uid('fault');
  const flap = h('input', { type: 'checkbox', id: flapId, onchange: () => void sendFlap() });
  fields.set('flap', flap);
  const flapUp = number('flapUp', 'Up (ms)', { min: 100, max: 60_000, step: 100, value: 4000 }, () => flap.checked && void sendFlap());
  const flapDown = number('flapDown', 'Down (ms)', { min: 100, max: 60_000, step: 100, value: 4000 }, () => flap.checked && void sendFlap());
  function sendFlap(): Promise<void> {
    const up = Number((fields.get('flapUp') as HTMLInputElement).value);
    const down = Number((fields.get('flapDown') as HTMLInputElement).value);
    return send({ flap: flap.checked ? { upMs: up, downMs: down } : null }, 'Flapping');
  }

  function show(f: ChaosFaults): void {
    for (const key of ['outage', 'hang', 'reset', 'status429'] as const) (fields.get(key) as HTMLInputElement).checked = f[key];
    rate.value = String(Math.round(f.errorRate * 100));
    rateOut.textContent = `${rate.value}%`;
    status.value = String(f.errorStatus);
    (fields.get('latencyMs') as HTMLInputElement).value = String(f.latencyMs);
    (fields.get('jitterMs') as HTMLInputElement).value = String(f.jitterMs);
    (fields.get('retryAfter') as HTMLInputElement).value = f.retryAfter ?? '';
    flap.checked = f.flap !== null;
    if (f.flap !== null) {
      (fields.get('flapUp') as HTMLInputElement).value = String(f.flap.upMs);
      (fields.get('flapDown') as HTMLInputElement).value = String(f.flap.downMs);
    }
  }

  const clear = h('button', { type: 'button', class: 'secondary', onclick: () => void clearFaults(upstream).then(
    (faults) => {
      show(faults);
      message.className = 'form-message';
      message.textContent = 'All faults cleared';
    },
    (error: unknown) => {
      message.className = 'form-message error';
      message.textContent = `Could not clear the faults: ${error instanceof Error ? error.message : String(error)}`;
    },
  ) }, 'Clear all faults');

  const el = h('fieldset', { class: 'faults' },
    h('legend', {}, `Faults at ${name}`),
    h('div', { class: 'switches' },
      check('outage', 'Outage', '(every call 503)'),
      check('hang', 'Hang', '(never answer)'),
      check('reset', 'Reset', '(drop the connection)'),
      check('status429', '429', '(Too Many Requests)'),
    ),
    h('div', { class: 'field wide' }, h('label', { for: rateId }, 'Error rate'), rate, rateOut),
    h('div', { class: 'fields' },
      h('div', { class: 'field' }, h('label', { for: statusId }, 'Error status'), status),
      number('latencyMs', 'Latency (ms)', { min: 0, max: 60_000, step: 50, value: 0 }, (v) => void send({ latencyMs: Number(v) }, 'Latency')),
      number('jitterMs', 'Jitter (ms)', { min: 0, max: 60_000, step: 50, value: 0 }, (v) => void send({ jitterMs: Number(v) }, 'Jitter')),
      number('retryAfter', 'Retry-After (s)', { min: 0, max: 3600, step: 1, placeholder: 'none' }, (v) => void send({ retryAfter: v === '' ? null : v }, 'Retry-After')),
    ),
    h('div', { class: 'switch flap' }, flap, h('label', { for: flapId }, 'Flapping', h('span', { class: 'hint' }, '(up, then down, repeating)'))),
    h('div', { class: 'fields' }, flapUp, flapDown),
    h('div', { class: 'actions' }, clear),
    message,
  );
  void getFaults(upstream).then(show, (error: unknown) => {
    message.className = 'form-message error';
    message.textContent = `Could not read the faults: ${error instanceof Error ? error.message : String(error)}`;
  });
  return el;
}
