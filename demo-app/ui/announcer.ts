/**
 * One polite live region for the few changes worth interrupting a screen-reader user for: a
 * breaker changing state, the load generator starting or stopping. Everything else updates
 * silently (the numbers change several times a second).
 */
import { h } from './dom.js';

export interface Announcer {
  el: HTMLElement;
  say(message: string): void;
}

export function announcer(): Announcer {
  const el = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-testid': 'announcer' });
  return {
    el,
    say(message) {
      el.textContent = message;
    },
  };
}
