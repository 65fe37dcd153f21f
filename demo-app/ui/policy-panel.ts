/**
 * The live policy as editable JSON. "Apply" sends it with handle.configure: the worker merges it
 * into its policy without a restart, or refuses it with a TypeError naming the field, shown here
 * as it came. Also: empty the fallback cache.
 */
import type { PolicyConfig } from '../../src/index.js';
import { h, uid } from './dom.js';

export interface PolicyPanelOptions {
  /** The worker's live policy, when it can be read. */
  read(): Promise<PolicyConfig | undefined>;
  /** handle.configure({ policy }); rejects with the worker's TypeError. */
  apply(policy: PolicyConfig): Promise<void>;
  defaults: PolicyConfig;
  clearCache(): Promise<void>;
}

export interface PolicyPanel {
  el: HTMLElement;
  load(): Promise<void>;
}

export function policyPanel(options: PolicyPanelOptions): PolicyPanel {
  const id = uid('policy');
  const hintId = uid('policy');
  const editor = h('textarea', { id, class: 'mono', rows: 18, spellcheck: 'false', 'aria-describedby': hintId, 'data-testid': 'policy-editor' });
  const result = h('p', { class: 'form-message', role: 'status', 'data-testid': 'policy-result' });
  const cacheResult = h('p', { class: 'form-message', role: 'status' });

  const report = (el: HTMLElement, ok: boolean, text: string) => {
    el.className = `form-message${ok ? '' : ' error'}`;
    el.textContent = text;
  };

  const send = async (policy: PolicyConfig, what: string): Promise<void> => {
    try {
      await options.apply(policy);
      report(result, true, `${what}: the worker accepted it (applied without a restart).`);
      const live = await options.read();
      if (live !== undefined) editor.value = JSON.stringify(live, null, 2);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      report(result, false, `Refused: ${e.name}: ${e.message}`);
    }
  };

  const apply = () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(editor.value);
    } catch (error) {
      report(result, false, `Not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    void send(parsed as PolicyConfig, 'Policy');
  };

  const el = h('section', { class: 'card policy', 'aria-labelledby': 'policy-h' },
    h('h2', { id: 'policy-h' }, 'Policy'),
    h('label', { for: id }, 'Live policy (JSON)'),
    h('p', { id: hintId, class: 'hint' }, 'Merged into the worker\'s policy as sent (a key left out keeps its value). Invalid values are refused with the field named. Ctrl+Enter applies.'),
    editor,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', 'data-testid': 'policy-apply', onclick: apply }, 'Apply'),
      h('button', { type: 'button', class: 'secondary', onclick: () => void send(options.defaults, 'Demo defaults') }, 'Send the demo defaults'),
    ),
    result,
    h('h3', {}, 'Fallback cache'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'clear-cache', onclick: () => void options.clearCache().then(
        () => report(cacheResult, true, 'Cache emptied: until a call succeeds again, nothing stale can be served.'),
        (error: unknown) => report(cacheResult, false, `Could not empty the cache: ${error instanceof Error ? error.message : String(error)}`),
      ) }, 'Clear cache'),
    ),
    cacheResult,
  );
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      apply();
    }
  });

  return {
    el,
    async load() {
      editor.value = JSON.stringify((await options.read().catch(() => undefined)) ?? options.defaults, null, 2);
    },
  };
}
