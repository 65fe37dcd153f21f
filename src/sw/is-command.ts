import type { Command } from './protocol.js';

// Apart from protocol.ts: the page imports that module too, and a bundler that splits code the
// page and the worker share (Vite with both as inputs) splits by module, so the page would
// download this list it never reads.
const COMMANDS: readonly unknown[] = ['hello', 'snapshot', 'configure', 'clear-cache', 'claim', 'outbox', 'abort'] satisfies Command['type'][];

/**
 * Whether a message is one of our commands. The worker answers nothing else: the script is the
 * app's too, and its own messages (Workbox's `messageSW({ type: 'SKIP_WAITING' })`) are answered
 * by whoever replies on the port first.
 */
export function isCommand(data: unknown): data is Command {
  return COMMANDS.includes((data as { type?: unknown } | null)?.type);
}
