import type { Page } from '@playwright/test';
import { readmeBlock, withLocalHosts } from './readme-code.js';

/**
 * The README's page code ("2. The page") as an app's `src/main.ts`, verbatim between a prelude
 * (the `user` it signs in) and an epilogue that hands what it made to the test on `window.app`.
 */
export function readmePage(api: string): string {
  const prelude = `const user = { id: 'reader-1' };\n`;
  const code = readmeBlock(`import { registerResilience, resilientFetch, describeResponse } from 'resilient-fetch';`);
  const epilogue = `\nObject.assign(window, { app: { first: describeResponse(res), resilience, resilientFetch, describeResponse } });\n`;
  return prelude + withLocalHosts(code, { api }) + epilogue;
}

interface AppWindow {
  app?: {
    first: { source: string; attempts: number; reason?: string };
    resilience: { state(): Promise<{ origin: string; breaker: { state: string } }[]>; configure(c: unknown): Promise<void> };
    resilientFetch: typeof fetch;
    describeResponse(res: Response): { source: string; attempts: number; reason?: string };
  };
}

/** Opens the app and waits for its main module to have run (registered, first call answered). */
export async function openApp(page: Page, url: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => (window as AppWindow).app !== undefined || document.title === 'failed', undefined, { timeout: 15_000 }).catch((e: Error) => {
    throw new Error(`the app's main module did not finish: ${errors.join('; ') || e.message}`);
  });
}

/** A call through the app's resilientFetch; what describeResponse says about it. */
export function call(page: Page, url: string) {
  return page.evaluate(async (u) => {
    const app = (window as AppWindow).app!;
    const res = await app.resilientFetch(u);
    await res.arrayBuffer();
    return { status: res.status, ...app.describeResponse(res) };
  }, url);
}

export function breakerOf(page: Page, origin: string): Promise<string | undefined> {
  return page.evaluate(async (o) => (await (window as AppWindow).app!.resilience.state()).find((s) => s.origin === o)?.breaker.state, origin);
}

export function configure(page: Page, config: unknown): Promise<void> {
  return page.evaluate((c) => (window as AppWindow).app!.resilience.configure(c), config);
}

export function controlled(page: Page): Promise<boolean> {
  return page.evaluate(() => navigator.serviceWorker.controller !== null);
}
