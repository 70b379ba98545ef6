/**
 * Every scenario gets a fresh World. In-process, that is a fresh mock
 * provider and integration, so nothing leaks from one scenario to the next.
 * Against a remote integration (the remote profile), the mock is reset
 * instead, every person gets a username of their own, and a scenario that
 * needs what the integration does not offer is skipped, with its reason.
 */
import { After, AfterAll, Before, setDefaultTimeout, Status } from '@cucumber/cucumber';

import { closeAdminPool } from '../../testkit/throwaway-database';
import { closeBrowser, freshPage } from './browser';
import { skipReason, skipReasonMediaType } from './capabilities';
import { metricsText } from './metrics';
import { remoteTarget } from './remote-integration';
import { observabilityScene } from './scenes/observability';
import { assertNoSecretInLogs } from './secret-scan';
import { removeTlsMaterial } from './tls';
import type { ConformanceWorld } from './world';

// A remote integration's provider timeout is its own (PROVIDER_TIMEOUT_MS): a step may wait for several of them.
setDefaultTimeout(remoteTarget() ? 90_000 : 30_000);

AfterAll(async function () {
  await Promise.all([closeAdminPool(), closeBrowser()]);
  removeTlsMaterial();
});

// First: a scenario the integration under test cannot be checked for is skipped (never passed), with its reason.
Before(async function (this: ConformanceWorld, { pickle }) {
  const reason = await skipReason(
    pickle.tags.map((tag) => tag.name),
    this.securityProfile,
  );
  if (!reason) return undefined;
  this.attach(reason, skipReasonMediaType);
  return 'skipped';
});

Before({ tags: 'not @no-servers and not @https' }, async function (this: ConformanceWorld) {
  await this.start();
});

Before({ tags: '@https' }, async function (this: ConformanceWorld) {
  await this.start({ tls: 'valid' });
});

// A remote integration's log holds every line since it started: remember where this scenario's begin.
Before({ tags: '@needs-logs' }, async function (this: ConformanceWorld) {
  if (this.mode === 'remote') observabilityScene(this).logLinesAtStart = (await this.sut.logLines()).length;
});

// A remote integration counts its metrics from its own start: remember where they stood when the scenario began.
Before({ tags: '@needs-metrics' }, async function (this: ConformanceWorld) {
  if (this.mode === 'remote') observabilityScene(this).metricsAtStart = await metricsText(this);
});

// The worker's one Chromium (launched on its first @browser scenario), in a context of this scenario's own.
Before({ tags: '@browser' }, async function (this: ConformanceWorld) {
  this.page = await freshPage();
});

// The page as the scenario left it, in the report: a screenshot always, the HTML on failure; then its context goes.
After({ tags: '@browser' }, async function (this: ConformanceWorld, { result }) {
  const page = this.page;
  if (!page) return;
  try {
    this.attach(await page.screenshot({ fullPage: true }), 'image/png');
    if (result?.status === Status.FAILED) this.attach(await page.content(), 'text/html');
  } finally {
    await page.context().close();
  }
});

After(async function (this: ConformanceWorld) {
  await this.stop();
});

// Runs before the one above (cucumber runs After hooks last-defined first): the servers are still up.
After({ tags: 'not @no-servers' }, async function (this: ConformanceWorld, { result }) {
  if (result?.status === Status.SKIPPED || !this.sut) return;
  await assertNoSecretInLogs(this);
});
