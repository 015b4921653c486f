import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const STEP = 60_000;

/** Headless Chromium that may only talk to `origin`; anything else is aborted and listed in `offsite`. */
export async function launchFor(origin: string): Promise<{ browser: Browser; context: BrowserContext; offsite: string[] }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    timeout: STEP,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  context.setDefaultTimeout(STEP);
  context.setDefaultNavigationTimeout(STEP);
  const offsite: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin || url.protocol === 'data:') return route.continue();
    offsite.push(route.request().url());
    return route.abort();
  });
  return { browser, context, offsite };
}
