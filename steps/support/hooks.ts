/**
 * Every scenario gets a fresh mock provider and integration; nothing leaks
 * from one scenario to the next. Signing keys are generated once per run
 * (RSA key generation is the slowest part of starting the mock).
 */
import { After, AfterAll, Before, Status, BeforeAll, setDefaultTimeout } from '@cucumber/cucumber';
import { generateSigningKeys } from '../../mock-provider/keys';
import { Clock } from '../../mock-provider/clock';
import { closeBrowser, sharedBrowser } from './browser';
import { closeAdminPool } from '../../dev/throwaway-database';
import { assertNoSecretInLogs } from './secret-scan';
import { removeTlsMaterial } from './tls';
import { setSharedKeys, type ConformanceWorld } from './world';

setDefaultTimeout(30_000);

AfterAll(async function () {
  await Promise.all([closeAdminPool(), closeBrowser()]);
  removeTlsMaterial();
});

Before({ tags: '@browser' }, async function (this: ConformanceWorld) {
  const context = await (await sharedBrowser()).newContext({ viewport: { width: 1000, height: 760 } });
  this.page = await context.newPage();
});

// The page as the scenario left it, in the report: a screenshot always, the HTML on failure.
After({ tags: '@browser' }, async function (this: ConformanceWorld, { result }) {
  if (!this.page) return;
  this.attach(await this.page.screenshot({ fullPage: true }), 'image/png');
  if (result?.status === Status.FAILED) this.attach(await this.page.content(), 'text/html');
  await this.page.context().close();
});

BeforeAll(function () {
  Clock.install();
  setSharedKeys(generateSigningKeys());
});

Before({ tags: 'not @no-servers and not @https' }, async function (this: ConformanceWorld) {
  await this.start();
});

Before({ tags: '@https' }, async function (this: ConformanceWorld) {
  await this.start({ tls: 'valid' });
});

After(async function (this: ConformanceWorld) {
  await this.stop();
  this.clock.reset();
});

// Runs before the one above (cucumber runs After hooks last-defined first): the servers are still up.
After({ tags: 'not @no-servers' }, async function (this: ConformanceWorld) {
  await assertNoSecretInLogs(this);
});
