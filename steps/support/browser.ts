/**
 * A real browser for the @browser scenarios: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), headless, launched once per
 * test process; each scenario gets a fresh context (its own cookies).
 */
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

let browser: Promise<Browser> | undefined;

export function sharedBrowser(): Promise<Browser> {
  browser ??= chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close();
  browser = undefined;
}
