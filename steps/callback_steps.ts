import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';

import { textOfElementWith, unescapeHtml } from './support/html-forms';
import { assertRefused } from './support/outcomes';
import type { Person } from './support/people';
import { callbackScene } from './support/scenes/callback';
import { authorizeAtProvider, connectionView, deliverCallback, rememberConnection } from './support/tasks';
import type { ConformanceWorld } from './support/world';

/** The callback the provider sent the person named last, with one change made by the step. */
async function alteredCallback(
  world: ConformanceWorld,
  change: (parameters: URLSearchParams) => void,
): Promise<string> {
  const url = new URL(await authorizeAtProvider(world, world.people.subject, 'alice'));
  change(url.searchParams);
  return url.href;
}

Given(
  '{person} has completed connecting as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    const response = await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
    assert.ok(
      [302, 303].includes(response.statusCode),
      `connected: ${response.statusCode} ${response.body.slice(0, 300)}`,
    );
    await rememberConnection(this, person, account);
  },
);

Given('the provider has sent {person} back with a code', async function (this: ConformanceWorld, person: Person) {
  await authorizeAtProvider(this, person, 'alice');
});

Given(
  "{person}'s browser has delivered the callback, in vain",
  async function (this: ConformanceWorld, person: Person) {
    assertRefused(await deliverCallback(this, person, person.callbackUrl as string), 'invalid_grant');
  },
);

When("{person}'s browser delivers the callback", async function (this: ConformanceWorld, person: Person) {
  assert.ok(person.callbackUrl, `the provider sent ${person.name} back`);
  await deliverCallback(this, person, person.callbackUrl);
});

When(
  "{person}'s browser delivers the callback the provider sent",
  async function (this: ConformanceWorld, person: Person) {
    await deliverCallback(this, person, await authorizeAtProvider(this, person, 'alice'));
  },
);

Then('the answer tells the browser to send no Referer', function (this: ConformanceWorld) {
  assert.equal(this.lastAnswer?.headers['referrer-policy'], 'no-referrer');
});

When('the same callback arrives again', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.ok(person.callbackUrl, `the provider sent ${person.name} back`);
  await deliverCallback(this, person, person.callbackUrl);
});

When(
  "{person}'s browser delivers {person}'s callback",
  async function (this: ConformanceWorld, intruder: Person, victim: Person) {
    await deliverCallback(this, intruder, await authorizeAtProvider(this, victim, 'alice'));
  },
);

When(
  "Dave's browser, not signed in, delivers {person}'s callback",
  async function (this: ConformanceWorld, victim: Person) {
    const url = await authorizeAtProvider(this, victim, 'alice');
    await deliverCallback(this, this.people.get('Dave'), url);
  },
);

Then("{person}'s pending authorization is still usable", async function (this: ConformanceWorld, person: Person) {
  const url = person.callbackUrl ?? (await authorizeAtProvider(this, person, 'alice'));
  const response = await deliverCallback(this, person, url);
  assert.ok(
    [302, 303].includes(response.statusCode),
    `the genuine callback still connects: ${response.statusCode} ${response.body.slice(0, 400)}`,
  );
  assert.equal((await connectionView(this, person)).status, 'connected');
  if (this.can('store')) assert.ok(await this.store.connection(person.username), 'and ours stored the connection');
});

When('a callback arrives with a state the integration never issued', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) =>
    parameters.set('state', randomBytes(32).toString('base64url')),
  );
  await deliverCallback(this, this.people.subject, url);
});

When('a callback arrives without a state', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) => parameters.delete('state'));
  await deliverCallback(this, this.people.subject, url);
});

When('a callback arrives without a code', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) => parameters.delete('code'));
  await deliverCallback(this, this.people.subject, url);
});

When('the callback arrives with the issuer {string}', async function (this: ConformanceWorld, issuer: string) {
  const person = this.people.subject;
  const genuine = await authorizeAtProvider(this, person, 'alice');
  const forged = new URL(genuine);
  forged.searchParams.set('iss', issuer);
  await deliverCallback(this, person, forged.href);
  person.callbackUrl = genuine;
});

When('the callback arrives without the issuer', async function (this: ConformanceWorld) {
  const url = await alteredCallback(this, (parameters) => parameters.delete('iss'));
  await deliverCallback(this, this.people.subject, url);
});

Given('her/his pending authorization has outlived its lifetime', async function (this: ConformanceWorld) {
  await this.timePasses(this.sut.settings.pendingAuthorizationTtlSeconds + 60);
});

Then('it is refused with {code}', function (this: ConformanceWorld, code: string) {
  assertRefused(this.lastAnswer, code);
});

Then('no token request is made', async function (this: ConformanceWorld) {
  assert.equal(
    (await this.provider.requests('token')).length,
    callbackScene(this).tokenRequestsBeforeDelivery,
    'the token endpoint was not called',
  );
});

async function providerAnswers(world: ConformanceWorld, error: string, description?: string): Promise<void> {
  const person = world.people.subject;
  await world.provider.failNext('authorization', {
    error,
    ...(description === undefined ? {} : { error_description: description }),
  });
  await deliverCallback(world, person, await authorizeAtProvider(world, person, 'alice'));
}

When('the provider answers the request with {string}', async function (this: ConformanceWorld, error: string) {
  await providerAnswers(this, error);
});

Given('the provider has answered the request with {string}', async function (this: ConformanceWorld, error: string) {
  await providerAnswers(this, error);
  assertRefused(this.lastAnswer, error);
});

When(
  'the provider answers the request with {string} described as {string}',
  async function (this: ConformanceWorld, error: string, description: string) {
    await providerAnswers(this, error, description);
  },
);

When('{person} denies the access at the provider', async function (this: ConformanceWorld, person: Person) {
  await deliverCallback(this, person, await authorizeAtProvider(this, person, 'alice', 'deny'));
});

Then(
  '{person} sees the {code} page telling her/him {string}',
  function (this: ConformanceWorld, person: Person, code: string, advice: string) {
    const response = person.response;
    assertRefused(response, code);
    assert.match(response?.headers['content-type'] ?? '', /text\/html/);
    const shown = textOfElementWith(response?.body ?? '', 'data-error-advice') ?? '';
    assert.ok(shown.includes(advice), `the page tells "${advice}"; it says "${shown}"`);
  },
);

Then('nothing is stored for her/him', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.equal((await connectionView(this, person)).status, 'not_connected');
  if (this.can('store'))
    assert.equal(await this.store.connection(person.username), undefined, 'ours stored no connection');
});

Then(
  '{person} sees the description {string} as text, not markup',
  function (this: ConformanceWorld, person: Person, description: string) {
    const body = person.response?.body ?? '';
    assert.ok(!body.includes(description), 'the raw markup is not in the page');
    // Contract 8.1: any escaping a browser reads back as the text: the five named references, decimal or hex ones.
    const text = unescapeHtml(
      body
        .replace(/&apos;/g, "'")
        .replace(/&#x([0-9a-f]+);/gi, (_entity, code: string) => String.fromCodePoint(parseInt(code, 16)))
        .replace(/&#(\d+);/g, (_entity, code: string) => String.fromCodePoint(Number(code))),
    );
    assert.ok(text.includes(description), 'the text is, escaped');
    assert.match(String(person.response?.headers['content-security-policy']), /default-src 'none'/);
  },
);
