import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { formWith } from './support/html-forms';
import type { Person } from './support/people';
import { connectionView, signIn } from './support/tasks';
import type { ConformanceWorld } from './support/world';

Given('{person} is signed in to the integration', async function (this: ConformanceWorld, person: Person) {
  await signIn(this, person);
});

async function openTheIntegration(this: ConformanceWorld, person: Person): Promise<void> {
  person.response = await person.agent.get(this.url('/'));
  this.lastAnswer = person.response;
}
When('{person} opens the integration', openTheIntegration);
When('{person}, who is not signed in, opens the integration', openTheIntegration);

Then(
  '{person} sees that her/his MySQL account is not connected, with a Connect button',
  async function (this: ConformanceWorld, person: Person) {
    const page = person.response?.body ?? '';
    assert.equal(person.response?.statusCode, 200, `${person.name}'s page: ${person.response?.statusCode}`);
    assert.match(page, /\sdata-connection-status="not_connected"/, 'the page says not connected');
    assert.match(page, /<a\b[^>]*\shref="\/connect"/, 'the page links to /connect');
    assert.equal((await connectionView(this, person)).status, 'not_connected');
  },
);

Then('{person} sees the sign-in form', function (this: ConformanceWorld, person: Person) {
  const form = formWith(person.response?.body ?? '', this.url('/'), 'username');
  assert.equal(form.method, 'post');
  assert.equal(form.action, this.url('/session'));
});
