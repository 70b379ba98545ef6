import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { assertRefused } from './support/outcomes';
import type { ConformanceWorld } from './support/world';

/** The callback the provider sent Carol (or whoever started), with one change made by the step. */
async function alteredCallback(world: ConformanceWorld, change: (parameters: URLSearchParams) => void): Promise<string> {
  const person = world.lastPerson as string;
  const url = new URL(await world.authorizeAtProvider(person, 'alice'));
  change(url.searchParams);
  return url.href;
}

Given('{person} has completed connecting as {account}', async function (this: ConformanceWorld, person: string, account: string) {
  const response = await this.deliverCallback(person, await this.authorizeAtProvider(person, account));
  assert.equal(response.statusCode, 303);
});

Given('the provider has sent {person} back with a code', async function (this: ConformanceWorld, person: string) {
  await this.authorizeAtProvider(person, 'alice');
});

Given("{person}'s browser has delivered the callback, in vain", async function (this: ConformanceWorld, person: string) {
  const response = await this.deliverCallback(person, this.actor(person).callbackUrl as string);
  assertRefused(response, 'invalid_grant');
});

When('{person}\'s browser delivers the callback', async function (this: ConformanceWorld, person: string) {
  await this.deliverCallback(person, this.actor(person).callbackUrl as string);
});

When("{person}'s browser delivers the callback the provider sent", async function (this: ConformanceWorld, person: string) {
  await this.deliverCallback(person, await this.authorizeAtProvider(person, 'alice'));
});

Then('the answer tells the browser to send no Referer', function (this: ConformanceWorld) {
  assert.equal(this.lastResponse?.headers['referrer-policy'], 'no-referrer');
});

When('the same callback arrives again', async function (this: ConformanceWorld) {
  const person = this.lastPerson as string;
  await this.deliverCallback(person, this.actor(person).callbackUrl as string);
});

When("{person}'s browser delivers {person}'s callback", async function (this: ConformanceWorld, intruder: string, victim: string) {
  const url = await this.authorizeAtProvider(victim, 'alice');
  await this.deliverCallback(intruder, url);
});

When("Dave's browser, not signed in, delivers {person}'s callback", async function (this: ConformanceWorld, victim: string) {
  const url = await this.authorizeAtProvider(victim, 'alice');
  await this.deliverCallback('Dave', url);
});

Then("{person}'s pending authorization is still usable", async function (this: ConformanceWorld, person: string) {
  const actor = this.actor(person);
  const url = actor.callbackUrl ?? (await this.authorizeAtProvider(person, 'alice'));
  const response = await this.deliverCallback(person, url);
  assert.equal(response.statusCode, 303, `the genuine callback still connects: ${response.body.slice(0, 400)}`);
  assert.ok(await this.storedConnection(person));
});

When('a callback arrives with a state the integration never issued', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) => parameters.set('state', randomBytes(32).toString('base64url')));
  await this.deliverCallback(this.lastPerson as string, url);
});

When('a callback arrives without a state', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) => parameters.delete('state'));
  await this.deliverCallback(this.lastPerson as string, url);
});

When('a callback arrives without a code', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) => parameters.delete('code'));
  await this.deliverCallback(this.lastPerson as string, url);
});

When('the callback arrives with the issuer {string}', async function (this: ConformanceWorld, issuer: string) {
  const person = this.lastPerson as string;
  const genuine = await this.authorizeAtProvider(person, 'alice');
  const forged = new URL(genuine);
  forged.searchParams.set('iss', issuer);
  await this.deliverCallback(person, forged.href);
  this.actor(person).callbackUrl = genuine;
});

When('the callback arrives without the issuer', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) => parameters.delete('iss'));
  await this.deliverCallback(this.lastPerson as string, url);
});

Given('{int} minutes pass', function (this: ConformanceWorld, minutes: number) {
  this.clock.advance(minutes * 60_000);
});

Then('it is refused with {code}', function (this: ConformanceWorld, code: string) {
  assertRefused(this.lastResponse, code);
});

Then('no token request is made', function (this: ConformanceWorld) {
  assert.equal(this.mock.requests.to('token').length, this.tokenRequestsBeforeLastDelivery, 'the token endpoint was not called');
});

async function providerAnswers(world: ConformanceWorld, error: string, description?: string): Promise<void> {
  const person = world.lastPerson as string;
  world.mock.faults.failNext('authorization', { error, ...(description === undefined ? {} : { error_description: description }) });
  await world.deliverCallback(person, await world.authorizeAtProvider(person, 'alice'));
}

When('the provider answers the request with {string}', async function (this: ConformanceWorld, error: string) {
  await providerAnswers(this, error);
});

Given('the provider has answered the request with {string}', async function (this: ConformanceWorld, error: string) {
  await providerAnswers(this, error);
  assertRefused(this.lastResponse, error);
});

When(
  'the provider answers the request with {string} described as {string}',
  async function (this: ConformanceWorld, error: string, description: string) {
    await providerAnswers(this, error, description);
  },
);

When('{person} denies the access at the provider', async function (this: ConformanceWorld, person: string) {
  await this.deliverCallback(person, await this.authorizeAtProvider(person, 'alice', 'deny'));
});

Then(
  '{person} sees the {code} page telling her/him {string}',
  function (this: ConformanceWorld, person: string, code: string, advice: string) {
    const response = this.actor(person).response;
    assertRefused(response, code);
    assert.match(response?.headers['content-type'] ?? '', /text\/html/);
    const shown = /data-error-advice>([^<]*)</.exec(response?.body ?? '')?.[1]?.replace(/&#39;/g, "'") ?? '';
    assert.ok(shown.includes(advice), `the page tells "${advice}"; it says "${shown}"`);
  },
);

Then('nothing is stored for her/him', async function (this: ConformanceWorld) {
  assert.equal(await this.storedConnection(this.lastPerson as string), undefined);
});

Then(
  '{person} sees the description {string} as text, not markup',
  function (this: ConformanceWorld, person: string, description: string) {
    const body = this.actor(person).response?.body ?? '';
    assert.ok(!body.includes(description), 'the raw markup is not in the page');
    const escaped = description.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
    assert.ok(body.includes(escaped), 'the escaped text is');
    assert.match(String(this.actor(person).response?.headers['content-security-policy']), /default-src 'none'/);
  },
);
