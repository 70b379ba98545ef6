/**
 * Takes an authorization request through the provider's own pages, as the
 * test account: sign-in, then consent, until the provider sends the browser
 * back to the client (RFC 6749 4.1.2) or stops on a page of its own (an
 * error page: what a provider shows for a redirect URI it will not send to,
 * RFC 6749 4.1.2.1).
 *
 * Two drivers: plain HTTP form-following with a cookie jar (the default:
 * fast, enough for pages without script), and Chromium through
 * playwright-core (PROVIDER_LOGIN=browser, Debian's chromium-headless-shell
 * or chromium, never a downloaded browser) for pages that need one. Field
 * names and selectors come from the settings (settings.ts); their defaults
 * fill the mock's pages and oidc-provider's development pages.
 */
import type { Browser, Locator } from 'playwright-core';
import { CookieJar } from 'tough-cookie';

// Debian's chromium-headless-shell when installed, else its chromium (docs/decisions.md, harness-browser-headless-shell).
import { chromiumPath } from '../support/browser';
import { formsOf, type HtmlForm } from '../support/html-forms';
import type { ProviderSettings } from './settings';

export type AuthorizationOutcome =
  | { readonly kind: 'redirect'; readonly url: URL }
  | { readonly kind: 'page'; readonly status: number; readonly excerpt: string };

/**
 * Where the provider's pages end: the origin of `redirectUri` (the settings' by default). The response is
 * delivered there (the harness's listener records it), or, with `deliver: false`, only read: our integration's
 * callback, which the scenario then calls itself with the person's session (our-integration.ts).
 */
export interface AuthorizationStop {
  readonly redirectUri?: string;
  readonly deliver?: boolean;
}

const maxHops = 15;

/** The text a person would read on a page, shortened: what a report may show (no field values). */
const excerptOf = (page: string) =>
  page
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);

function approveButton(form: HtmlForm, approve: readonly string[]): { name: string; value: string } | undefined {
  for (const wanted of approve) {
    const [name, value] = wanted.includes('=') ? wanted.split('=', 2) : [undefined, undefined];
    const button = form.buttons.find((b) =>
      name === undefined ? b.label.toLowerCase() === wanted.toLowerCase() : b.name === name && b.value === value,
    );
    if (button) return button;
  }
  return undefined;
}

/** The form to submit on this page, filled in; undefined when the page has none the driver knows how to fill. */
function filledForm(
  page: string,
  url: string,
  settings: ProviderSettings,
): { form: HtmlForm; body: URLSearchParams; signIn: boolean } | undefined {
  const forms = formsOf(page, url);
  for (const form of forms) {
    const passwordField = settings.passwordFields.find((name) => form.fields.has(name));
    if (!passwordField) continue;
    const usernameField = settings.usernameFields.find((name) => form.fields.has(name));
    const body = new URLSearchParams([...form.fields]);
    if (usernameField) body.set(usernameField, settings.username);
    body.set(passwordField, settings.password);
    const button = form.buttons.find((b) => b.name !== '');
    if (button) body.set(button.name, button.value);
    return { form, body, signIn: true };
  }
  for (const form of forms) {
    const button = approveButton(form, settings.approve);
    if (!button) continue;
    const body = new URLSearchParams([...form.fields]);
    if (button.name) body.set(button.name, button.value);
    return { form, body, signIn: false };
  }
  const [only] = forms;
  if (forms.length === 1 && only) return { form: only, body: new URLSearchParams([...only.fields]), signIn: false };
  return undefined;
}

/** The HTTP driver: follows redirects by hand, keeps the provider's cookies, and fills forms. */
export async function authorizeOverHttp(
  start: URL,
  settings: ProviderSettings,
  stop: AuthorizationStop = {},
): Promise<AuthorizationOutcome> {
  const jar = new CookieJar();
  const stopOrigin = new URL(stop.redirectUri ?? settings.redirectUri).origin;
  let request: { url: string; method: string; body?: URLSearchParams } = { url: start.href, method: 'GET' };
  let signedIn = false;
  for (let hop = 0; hop < maxHops; hop++) {
    if (new URL(request.url).origin === stopOrigin) {
      if (stop.deliver !== false) await fetch(request.url, { redirect: 'manual' });
      return { kind: 'redirect', url: new URL(request.url) };
    }
    const cookie = await jar.getCookieString(request.url);
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: {
        accept: 'text/html,application/xhtml+xml',
        ...(cookie ? { cookie } : {}),
        ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: request.body?.toString(),
    });
    for (const setCookie of response.headers.getSetCookie())
      await jar.setCookie(setCookie, request.url, { ignoreError: true });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      request = { url: new URL(location, request.url).href, method: 'GET' };
      continue;
    }
    const page = await response.text();
    const next = filledForm(page, request.url, settings);
    // A sign-in form again after signing in: the account was refused; stop there.
    if (!next || (next.signIn && signedIn)) return { kind: 'page', status: response.status, excerpt: excerptOf(page) };
    signedIn ||= next.signIn;
    request =
      next.form.method === 'post'
        ? { url: next.form.action, method: 'POST', body: next.body }
        : { url: `${next.form.action.split('?')[0]}?${next.body}`, method: 'GET' };
  }
  throw new Error(`the provider's pages did not end in ${maxHops} steps (a loop?)`);
}

let browser: Promise<Browser> | undefined;

/**
 * One Chromium for the run (a launch costs seconds); each authorization gets a fresh context, cookies and all.
 * The World launches it before the first scenario, so that no scenario's time limit pays for the launch.
 */
export function sharedBrowser(): Promise<Browser> {
  browser ??= import('playwright-core').then(({ chromium }) =>
    chromium.launch({ executablePath: chromiumPath, headless: true }),
  );
  return browser;
}

/** Closes the run's Chromium, if one was started (the World's AfterAll). */
export async function closeBrowser(): Promise<void> {
  const started = browser;
  browser = undefined;
  if (started) await (await started.catch(() => undefined))?.close();
}

/**
 * The browser driver: Chromium fills the same pages by CSS selectors, for pages that need script. Every request
 * to the stop's origin is caught (the first one is the authorization response) and let through to it, or, with
 * `deliver: false`, answered by the driver.
 */
export async function authorizeInBrowser(
  start: URL,
  settings: ProviderSettings,
  stop: AuthorizationStop = {},
): Promise<AuthorizationOutcome> {
  const context = await (await sharedBrowser()).newContext();
  try {
    const page = await context.newPage();
    const stopOrigin = new URL(stop.redirectUri ?? settings.redirectUri).origin;
    let arrived: URL | undefined;
    const answering: Array<Promise<unknown>> = [];
    // Chromium's own interception (CDP Fetch), which, unlike playwright's routes, also sees the request a
    // provider's redirect makes: the authorization response is a 302 or 303 to the redirect URI (RFC 6749 4.1.2).
    const cdp = await context.newCDPSession(page);
    cdp.on('Fetch.requestPaused', (event: { requestId: string; request: { url: string } }) => {
      const url = new URL(event.request.url);
      const requestId = event.requestId;
      if (url.pathname === '/favicon.ico') {
        answering.push(cdp.send('Fetch.failRequest', { requestId, errorReason: 'Aborted' }).catch(() => undefined));
        return;
      }
      arrived ??= url;
      const answer =
        stop.deliver !== false
          ? cdp.send('Fetch.continueRequest', { requestId })
          : cdp.send('Fetch.fulfillRequest', {
              requestId,
              responseCode: 200,
              responseHeaders: [{ name: 'content-type', value: 'text/plain' }],
              body: Buffer.from('The harness read the response.\n').toString('base64'),
            });
      answering.push(answer.catch(() => undefined));
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${stopOrigin}/*`, requestStage: 'Request' }] });
    // The status of the last document (a provider may answer an error status with an empty body, which Chromium
    // shows as its own error page).
    let status = 0;
    page.on('response', (answer) => {
      if (answer.request().isNavigationRequest() && answer.frame() === page.mainFrame()) status = answer.status();
    });
    await page.goto(start.href).catch(() => null);
    let signedIn = false;
    // The buttons clicked on this document: a page of script (glewlwyd's) stays one document through sign-in,
    // "Grant access" and "Continue", so each button is clicked once, and the next one visible after it.
    const clicked = new Set<string>();
    for (let step = 0; step < maxHops && !arrived; step++) {
      // A page of script renders after its own requests (glewlwyd's reads its configuration, then the session).
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
      if (arrived) break;
      const password = page.locator(settings.selectors.password).first();
      const signingIn = await password.isVisible().catch(() => false);
      if (signingIn) {
        if (signedIn) break;
        const username = page.locator(settings.selectors.username).first();
        if (await username.isVisible().catch(() => false)) await username.fill(settings.username);
        await password.fill(settings.password);
        signedIn = true;
      } else {
        // A consent page: every scope it offers is granted (its unticked boxes ticked), as the account approves.
        for (const box of await page.locator('input[type="checkbox"]:visible:not(:checked):not(:disabled)').all())
          await box.check().catch(() => undefined);
      }
      let submit: Locator | undefined;
      for (const candidate of await page.locator(settings.selectors.submit).all()) {
        if (!(await candidate.isVisible().catch(() => false))) continue;
        const key = `${page.url()} ${await candidate.innerText().catch(() => '')}`;
        if (clicked.has(key)) continue;
        clicked.add(key);
        submit = candidate;
        break;
      }
      if (!submit) break;
      const navigation = page.waitForNavigation({ timeout: 10_000 }).catch(() => null);
      await submit.click();
      // A navigation, or a page of script that answers in place: its requests over.
      const settled = page
        .waitForTimeout(500)
        .then(() => page.waitForLoadState('networkidle', { timeout: 5_000 }))
        .then(
          () => null,
          () => null,
        );
      await Promise.race([navigation, settled]);
      await page.waitForLoadState('load').catch(() => undefined);
    }
    if (arrived) {
      // The response delivered (or answered) before the browser closes.
      await Promise.all(answering);
      await page.waitForLoadState('load').catch(() => undefined);
      return { kind: 'redirect', url: arrived };
    }
    return { kind: 'page', status, excerpt: excerptOf(await page.content()) };
  } finally {
    await context.close();
  }
}

/** The driver PROVIDER_LOGIN names takes the account through the provider's pages. */
export function authorizeThroughPages(
  start: URL,
  settings: ProviderSettings,
  stop: AuthorizationStop = {},
): Promise<AuthorizationOutcome> {
  return settings.login === 'browser'
    ? authorizeInBrowser(start, settings, stop)
    : authorizeOverHttp(start, settings, stop);
}
