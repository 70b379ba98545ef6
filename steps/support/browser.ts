/**
 * A real browser for the @browser scenarios: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), headless, launched once per
 * test process (each cucumber worker: on its first @browser scenario, closed
 * in AfterAll); each scenario gets a fresh context of its own (its own
 * cookies, storage and cache), closed when it ends.
 */
import { type Browser, chromium, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

let browser: Promise<Browser> | undefined;

function launch(): Promise<Browser> {
  const launched = chromium.launch({
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
  // A browser that crashed or failed to start is launched again by the next scenario, not reused by every one.
  void launched.then(
    (started) => started.on('disconnected', () => browser === launched && (browser = undefined)),
    () => browser === launched && (browser = undefined),
  );
  return launched;
}

function sharedBrowser(): Promise<Browser> {
  browser ??= launch();
  return browser;
}

/** A page in a fresh context of the shared browser: nothing of an earlier scenario's. */
export async function freshPage(): Promise<Page> {
  const context = await (await sharedBrowser()).newContext({ viewport: { width: 1000, height: 760 } });
  try {
    return await context.newPage();
  } catch (error) {
    await context.close();
    throw error;
  }
}

export async function closeBrowser(): Promise<void> {
  const closing = browser;
  browser = undefined;
  if (closing) await (await closing.catch(() => undefined))?.close();
}
