import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import type { Person } from './support/people';
import { authorizeAtProvider, deliverCallback, rememberConnection, startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

async function startsConnecting(this: ConformanceWorld, person: Person): Promise<void> {
  const response = await startConnecting(this, person);
  assert.ok(
    [302, 303].includes(response.statusCode),
    `connect redirects to the provider: ${response.statusCode} ${response.body.slice(0, 300)}`,
  );
}
When('{person} starts connecting her/his MySQL account', startsConnecting);
Given('{person} has started connecting her/his MySQL account', startsConnecting);

When(
  '{person} signs in at the provider as {account} with the password {string}',
  async function (this: ConformanceWorld, person: Person, account: string, password: string) {
    await authorizeAtProvider(this, person, account, 'approve', password);
  },
);

Then('the provider shows the sign-in form again with {string}', function (this: ConformanceWorld, message: string) {
  const person = this.people.subject;
  const page = person.providerPage;
  assert.ok(page, `${person.name} saw a page at the provider`);
  assert.match(page.body, /name="password"/);
  assert.ok(page.body.includes(message), `the page says "${message}"`);
});

When(
  '{person} approves at the provider as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    const response = await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
    if ([302, 303].includes(response.statusCode)) await rememberConnection(this, person, account);
  },
);
