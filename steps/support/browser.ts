/**
 * A real browser for the @browser scenarios: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), headless, launched once per
 * test process (each cucumber worker: on its first @browser scenario, closed
 * in AfterAll); each scenario gets a fresh context of its own (its own
 * cookies, storage and cache), closed when it ends.
 *
 * Debian's `chromium-headless-shell` when it is installed: the same Chromium
 * build (Blink, V8, the network stack and its cookie rules) as `chromium`,
 * without the desktop browser around it, at about half the CPU for the same
 * pages (docs/decisions.md, `harness-browser-headless-shell`). Without it,
 * `chromium`.
 *
 * playwright-core is loaded with the first launch: cucumber's coordinating
 * process loads the support code only to read the step definitions, and a
 * worker that runs no @browser scenario never needs it (~0.4 s of CPU).
 */
import { existsSync } from 'node:fs';

import type { Browser, Page } from 'playwright-core';

/** The browsers the @browser scenarios run in, the first one installed (cucumber.cjs checks the same two). */
export const chromiumPaths = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'] as const;

export const chromiumPath: string = chromiumPaths.find((path) => existsSync(path)) ?? '/usr/bin/chromium';

let browser: Promise<Browser> | undefined;

function launch(): Promise<Browser> {
  const launched = import('playwright-core').then(({ chromium }) =>
    chromium.launch({
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
    }),
  );
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
