import type { Page } from '@playwright/test';

/** Stops every service worker over CDP, as the browser does when one is idle (but without waiting for its waitUntil). */
export async function stopServiceWorkers(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach().catch(() => undefined); // the session may already be gone with the stopped worker's targets
}
