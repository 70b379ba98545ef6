/**
 * Expired sessions leave the store (docs/decisions.md,
 * `sessions-swept-on-sign-in`). The session lifetime and the store are ours:
 * @in-process. The same scenario runs on the in-memory store (the default and
 * ci profiles) and on MySQL (the mysql profiles).
 */
import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { signIn } from './support/tasks';
import type { ConformanceWorld } from './support/world';

Given('{int} people signed in to the integration earlier', async function (this: ConformanceWorld, count: number) {
  for (let person = 1; person <= count; person += 1) await signIn(this, this.people.get(`Visitor${person}`));
});

When('{int} hours pass', async function (this: ConformanceWorld, hours: number) {
  await this.timePasses(hours * 3600);
});

Then('the store holds {int} session(s)', async function (this: ConformanceWorld, count: number) {
  assert.equal((await this.store.counts()).sessions, count);
});
