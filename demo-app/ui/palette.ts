/** Colors, chosen for at least 4.5:1 against white (text) and distinguishable side by side. */
import type { Outcome } from '../model/outcomes.js';

export const OUTCOME_COLOR: Readonly<Record<Outcome, string>> = {
  fresh: '#1a7f37',
  retried: '#0550ae',
  stale: '#8250df',
  rejected: '#9a6700',
  failed: '#cf222e',
};

export const STATE_COLOR: Readonly<Record<string, string>> = {
  closed: '#1a7f37',
  'half-open': '#9a6700',
  open: '#cf222e',
};

export const FAILURE_COLOR = '#cf222e';
export const SLOW_COLOR = '#0550ae';
