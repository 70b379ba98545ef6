import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ConformanceWorld } from './support/world';

async function startConnecting(this: ConformanceWorld, person: string): Promise<void> {
  const response = await this.startConnecting(person);
  assert.equal(response.statusCode, 302, `connect redirects to the provider: ${response.body}`);
}
When('{person} starts connecting her/his MySQL account', startConnecting);
Given('{person} has started connecting her/his MySQL account', startConnecting);

When(
  '{person} signs in at the provider as {account} with the password {string}',
  async function (this: ConformanceWorld, person: string, account: string, password: string) {
    await this.authorizeAtProvider(person, account, 'approve', password);
  },
);

Then('the provider shows the sign-in form again with {string}', function (this: ConformanceWorld, message: string) {
  const page = this.actor(this.lastPerson as string).providerPage;
  assert.ok(page);
  assert.match(page.body, /name="password"/);
  assert.ok(page.body.includes(message), `the page says "${message}"`);
});

When('{person} approves at the provider as {account}', async function (this: ConformanceWorld, person: string, account: string) {
  await this.deliverCallback(person, await this.authorizeAtProvider(person, account));
});
