import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { formWith } from './support/html-forms';
import type { ConformanceWorld } from './support/world';

Given('{person} is signed in to the integration', async function (this: ConformanceWorld, person: string) {
  await this.signIn(person);
});

When('{person} opens the integration', async function (this: ConformanceWorld, person: string) {
  this.lastResponse = await this.actor(person).agent.get(this.url('/'));
});

When('{person}, who is not signed in, opens the integration', async function (this: ConformanceWorld, person: string) {
  this.lastResponse = await this.actor(person).agent.get(this.url('/'));
});

Then('{person} sees that her/his MySQL account is not connected, with a Connect button', function (this: ConformanceWorld, _person: string) {
  const page = this.lastResponse?.body ?? '';
  assert.match(page, /data-connection-status="not_connected"/);
  assert.match(page, /<a class="button" href="\/connect">/);
});

Then('{person} sees the sign-in form', function (this: ConformanceWorld, _person: string) {
  const form = formWith(this.lastResponse?.body ?? '', this.url('/'), 'username');
  assert.equal(form.method, 'post');
  assert.equal(form.action, this.url('/session'));
});
