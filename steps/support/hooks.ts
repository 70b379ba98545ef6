/**
 * Every scenario gets a fresh mock provider and integration; nothing leaks
 * from one scenario to the next. Signing keys are generated once per run
 * (RSA key generation is the slowest part of starting the mock).
 */
import { After, AfterAll, Before, BeforeAll, setDefaultTimeout } from '@cucumber/cucumber';
import { generateSigningKeys } from '../../mock-provider/keys';
import { Clock } from '../../mock-provider/clock';
import { closeAdminPool } from './mysql-database';
import { assertNoSecretInLogs } from './secret-scan';
import { setSharedKeys, type ConformanceWorld } from './world';

setDefaultTimeout(30_000);

AfterAll(async function () {
  await closeAdminPool();
});

BeforeAll(function () {
  Clock.install();
  setSharedKeys(generateSigningKeys());
});

Before({ tags: 'not @no-servers' }, async function (this: ConformanceWorld) {
  await this.start();
});

After(async function (this: ConformanceWorld) {
  await this.stop();
  this.clock.reset();
});

// Runs before the one above (cucumber runs After hooks last-defined first): the servers are still up.
After({ tags: 'not @no-servers' }, async function (this: ConformanceWorld) {
  await assertNoSecretInLogs(this);
});
