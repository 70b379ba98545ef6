/**
 * The provider's keys over time (docs/decisions.md, `jwks-lifetime`): a key
 * the provider withdraws stops being trusted once the integration's cached
 * keys have aged (ours: the provider's max-age, an hour by default, a day at
 * most).
 */
import { strict as assert } from 'node:assert';

import { Given, When } from '@cucumber/cucumber';

import type { Person } from './support/people';
import { authorizeAtProvider, deliverCallback, signIn, startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

Given('the provider has since withdrawn the key that signs its ID tokens', async function (this: ConformanceWorld) {
  const signing = (await this.provider.keys()).find((key) => key.signing);
  assert.ok(signing, 'the provider has a signing key');
  await this.provider.withdrawKey(signing.kid);
});

When('a day passes', async function (this: ConformanceWorld) {
  await this.timePasses(24 * 3600);
});

When(
  '{person} signs in again and connects as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    person.signedIn = false;
    await signIn(this, person);
    await startConnecting(this, person);
    await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
  },
);
