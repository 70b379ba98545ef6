import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';
import type { Page } from 'playwright-core';

import { demoAccounts } from '../mock-provider/accounts';
import type { Person } from './support/people';
import { needed, sceneOf } from './support/scenes/scene';
import type { ConformanceWorld } from './support/world';

/** What the real-browser steps remember. */
interface BrowserScene {
  /** The callback URL the real browser went through. */
  browserCallback?: string;
}

const browserScene = sceneOf<BrowserScene>(() => ({}));

function page(world: ConformanceWorld): Page {
  assert.ok(world.page, 'a browser page (tag the scenario @browser)');
  return world.page;
}

async function signInAtProvider(world: ConformanceWorld, account: string, password: string): Promise<void> {
  const tab = page(world);
  await tab.waitForURL((url) => url.href.startsWith(world.provider.issuer));
  await tab.fill('input[name="username"]', account);
  await tab.fill('input[name="password"]', password);
  await tab.click('button[type="submit"]');
}

async function connectInBrowser(world: ConformanceWorld, account: string, decision: 'approve' | 'deny'): Promise<void> {
  const tab = page(world);
  await tab.click('text=Connect your MySQL account');
  await signInAtProvider(
    world,
    account,
    demoAccounts.find((candidate) => candidate.username === account)?.password ?? '',
  );
  await tab.click(`button[value="${decision}"]`);
  await tab.waitForURL((url) => url.href.startsWith(world.url('/')));
  await tab.waitForLoadState('load');
}

Given(
  '{person} opens the integration in her/his browser and signs in',
  async function (this: ConformanceWorld, person: Person) {
    const tab = page(this);
    tab.on('request', (request) => {
      if (request.url().startsWith(this.sut.settings.redirectUri)) browserScene(this).browserCallback = request.url();
    });
    await tab.goto(this.url('/'));
    await tab.fill('input[name="username"]', person.username);
    await tab.click('button[type="submit"]');
    await tab.waitForSelector('[data-connection-status]');
  },
);

When(
  /^(?:she|he) connects (?:her|his) MySQL account in the browser, signing in at the provider as (\w+) and (approving|denying)$/,
  async function (this: ConformanceWorld, account: string, decision: string) {
    await connectInBrowser(this, account, decision === 'approving' ? 'approve' : 'deny');
  },
);

Given(
  /^(?:she|he) has connected (?:her|his) MySQL account in the browser as (\w+)$/,
  async function (this: ConformanceWorld, account: string) {
    await connectInBrowser(this, account, 'approve');
    await page(this).waitForSelector('[data-connection-status="connected"]');
  },
);

Then(
  /^(?:her|his) browser shows that (?:she|he) is connected as "([^"]+)" with the scopes "([^"]+)"$/,
  async function (this: ConformanceWorld, name: string, scopes: string) {
    const tab = page(this);
    assert.equal(await tab.getAttribute('[data-connection-status]', 'data-connection-status'), 'connected');
    assert.equal(await tab.textContent('[data-account]'), name);
    assert.equal(await tab.textContent('[data-scopes]'), scopes);
  },
);

Then(/^(?:her|his) browser lists the databases "([^"]+)"$/, async function (this: ConformanceWorld, names: string) {
  assert.deepEqual(await page(this).locator('[data-databases] li').allTextContents(), names.split(', '));
});

Then(
  /^(?:her|his) browser shows the error "(\w+)" with what to do next$/,
  async function (this: ConformanceWorld, code: string) {
    const tab = page(this);
    assert.equal(await tab.textContent('[data-error-code]'), code);
    assert.match((await tab.textContent('[data-error-advice]')) ?? '', /\w+/);
  },
);

When(
  /^(?:she|he) starts connecting in the browser and signs in at the provider as (\w+) with the password "([^"]+)"$/,
  async function (this: ConformanceWorld, account: string, password: string) {
    await page(this).click('text=Connect your MySQL account');
    await signInAtProvider(this, account, password);
  },
);

Then("the provider's page says {string}", async function (this: ConformanceWorld, message: string) {
  assert.equal((await page(this).textContent('[role="alert"]'))?.trim(), message);
});

When(
  /^(?:she|he) signs in at the provider as (\w+) with (?:her|his) password and approves$/,
  async function (this: ConformanceWorld, account: string) {
    const tab = page(this);
    await tab.fill(
      'input[name="password"]',
      demoAccounts.find((candidate) => candidate.username === account)?.password ?? '',
    );
    await tab.click('button[type="submit"]');
    await tab.click('button[value="approve"]');
    await tab.waitForURL((url) => url.href.startsWith(this.url('/')));
  },
);

When(/^(?:she|he) presses Disconnect$/, async function (this: ConformanceWorld) {
  await page(this).click('text=Disconnect');
  await page(this).waitForSelector('[data-connection-status="not_connected"]');
});

Then(
  /^(?:her|his) browser shows that (?:her|his) MySQL account is not connected$/,
  async function (this: ConformanceWorld) {
    const tab = page(this);
    assert.equal(await tab.getAttribute('[data-connection-status]', 'data-connection-status'), 'not_connected');
    assert.equal(await tab.locator('text=Connect your MySQL account').count(), 1);
  },
);

When('she presses the back button and then revisits the callback address', async function (this: ConformanceWorld) {
  const tab = page(this);
  await tab.goBack();
  const callback = needed(browserScene(this).browserCallback, 'the callback the browser went through');
  await tab.goto(callback);
  await tab.waitForSelector('[data-connection-status]');
});

Then('her browser holds the session cookie as HttpOnly and SameSite=Lax', async function (this: ConformanceWorld) {
  const cookies = await page(this).context().cookies(this.url('/'));
  const session = cookies.find((cookie) => cookie.name === 'session');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(session.path, '/');
});

When(/^(?:her|his) browser is as narrow as a phone$/, async function (this: ConformanceWorld) {
  await page(this).setViewportSize({ width: 360, height: 740 });
  await page(this).reload();
});

Then('the status page fits without scrolling sideways', async function (this: ConformanceWorld) {
  const widths = await page(this).evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok((widths[0] ?? 0) <= (widths[1] ?? 0), `page ${widths[0]} px wide in a ${widths[1]} px window`);
});
