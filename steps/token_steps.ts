import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import type { Person } from './support/people';
import { rememberConnectionBefore } from './support/scenes/connection-before';
import { needed, sceneOf } from './support/scenes/scene';
import { authorizeAtProvider, connectionView, deliverCallback, signIn, startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

/** What the token-exchange steps remember. */
interface TokenScene {
  /** The callback URL the provider gave Mallory for her own code. */
  malloryCallback?: string;
}

const tokenScene = sceneOf<TokenScene>(() => ({}));

Then('the provider received one token request for the code it issued', async function (this: ConformanceWorld) {
  const requests = await this.provider.requests('token');
  assert.equal(requests.length, 1);
  const code = new URL(this.people.subject.callbackUrl as string).searchParams.get('code');
  assert.equal(requests[0]?.params.grant_type, 'authorization_code');
  assert.equal(requests[0]?.params.code, code);
  assert.equal(requests[0]?.status, 200);
});

Then('it carried the registered redirect URI and a code verifier', async function (this: ConformanceWorld) {
  const params = (await this.provider.requests('token'))[0]?.params ?? {};
  assert.equal(params.redirect_uri, this.provider.client.redirect_uris[0]);
  assert.match(String(params.code_verifier), /^[A-Za-z0-9._~-]{43,128}$/);
});

// The client id the integration was registered under at the mock (contract 2.1, MOCK_CLIENT_ID): any id, not ours.
Then(
  'the client authenticated with HTTP Basic as the client registered at the provider',
  async function (this: ConformanceWorld) {
    const request = (await this.provider.requests('token'))[0];
    assert.equal(request?.authorizationScheme, 'Basic');
    assert.equal(request?.clientId, this.provider.client.client_id, 'authenticated as the registered client');
    assert.equal(request?.params.client_secret, undefined, 'the secret is not in the body');
  },
);

Given('someone has already redeemed that code', async function (this: ConformanceWorld) {
  const code = new URL(this.people.subject.callbackUrl as string).searchParams.get('code');
  await this.provider.consumeAuthorizationCode(code as string);
});

Given(
  'Mallory has obtained a code for the account {account}',
  async function (this: ConformanceWorld, account: string) {
    const mallory = this.people.get('Mallory');
    await signIn(this, mallory);
    await startConnecting(this, mallory);
    tokenScene(this).malloryCallback = await authorizeAtProvider(this, mallory, account);
  },
);

When("{person}'s callback arrives carrying Mallory's code", async function (this: ConformanceWorld, person: Person) {
  const malloryCode = new URL(needed(tokenScene(this).malloryCallback, "Mallory's callback")).searchParams.get(
    'code',
  ) as string;
  const url = new URL(await authorizeAtProvider(this, person, 'alice'));
  url.searchParams.set('code', malloryCode);
  await deliverCallback(this, person, url.href);
});

Given('the integration is configured with a wrong client secret', async function (this: ConformanceWorld) {
  await this.inProcess.reconfigure({ CLIENT_SECRET: 'not-the-registered-secret' });
});

Then('the provider received exactly {int} token request(s)', async function (this: ConformanceWorld, count: number) {
  assert.equal((await this.provider.requests('token')).length, count);
});

Given("the provider's token endpoint will answer {int}", async function (this: ConformanceWorld, status: number) {
  await this.provider.failNext('token', {
    status,
    ...(status === 429 || status === 503 ? { headers: { 'retry-after': '30' } } : {}),
  });
  if (this.people.subject.issuedAtConnect) await rememberConnectionBefore(this, this.people.subject);
});

Given(
  "the provider's token endpoint will answer {int} with the body {string}",
  async function (this: ConformanceWorld, status: number, body: string) {
    await this.provider.failNext('token', { status, body });
  },
);

Given(
  "the provider's token endpoint will answer only after the integration has stopped waiting",
  async function (this: ConformanceWorld) {
    // Ours in-process is told to wait a short while, to keep the suite fast; a
    // remote one declares how long it waits (PROVIDER_TIMEOUT_MS).
    if (this.can('restarts')) await this.inProcess.reconfigure({ PROVIDER_TIMEOUT_MS: '300' });
    await this.provider.failNext('token', { delayMs: this.sut.settings.providerTimeoutMs + 1000 });
  },
);

Given(
  "the provider's token endpoint will answer only after {int} seconds",
  async function (this: ConformanceWorld, seconds: number) {
    await this.provider.failNext('token', { delayMs: seconds * 1000 });
  },
);

Given(
  /^the provider will send (?:the|a token response with the) token_type "([^"]*)"$/,
  async function (this: ConformanceWorld, tokenType: string) {
    await this.provider.tamperNextTokenResponse({ kind: 'set-field', field: 'token_type', value: tokenType });
  },
);

Given(
  /^the provider will (?:leave "(\w+)" out of the token response|send a token response without "(\w+)")$/,
  async function (this: ConformanceWorld, left?: string, without?: string) {
    await this.provider.tamperNextTokenResponse({ kind: 'omit-field', field: (left ?? without) as string });
  },
);

const oddNumbers: Record<string, number> = { negative: -60, huge: 1e300, fractional: 0.5, zero: 0 };

Given(
  /^the provider will send a token response with a (negative|huge|fractional|zero) "(\w+)"$/,
  async function (this: ConformanceWorld, kind: string, field: string) {
    await this.provider.tamperNextTokenResponse({ kind: 'set-field', field, value: oddNumbers[kind] as number });
  },
);

Given(
  'the provider will add the field {string} to the token response',
  async function (this: ConformanceWorld, field: string) {
    await this.provider.tamperNextTokenResponse({ kind: 'set-field', field, value: 'eu-west-1' });
  },
);

Then("her/his access token's expiry is unknown", async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const view = await connectionView(this, person);
  assert.equal(view.status, 'connected');
  assert.equal(view.expires_at, null);
  if (this.can('store')) assert.equal((await this.store.connection(person.username))?.accessTokenExpiresAt, undefined);
});

Given(
  'the provider will send a token response with the expires_in {string} as a string',
  async function (this: ConformanceWorld, seconds: string) {
    await this.provider.tamperNextTokenResponse({ kind: 'set-field', field: 'expires_in', value: seconds });
  },
);

Then("her/his access token's expiry is known", async function (this: ConformanceWorld) {
  const view = await connectionView(this, this.people.subject);
  assert.equal(view.status, 'connected');
  assert.ok(view.expires_at && Date.parse(view.expires_at) > Date.now(), `an expiry in the future: ${view.expires_at}`);
});
