import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { Tampering } from '../mock-provider/tampering';
import type { ConformanceWorld } from './support/world';

function tamperTokenResponse(world: ConformanceWorld, change: (body: Record<string, unknown>) => Record<string, unknown>): void {
  const tampering: Tampering = { tokenResponse: change };
  world.mock.tampering.tamperNextTokenResponse(tampering);
}

Then('the provider received one token request for the code it issued', function (this: ConformanceWorld) {
  const requests = this.mock.requests.to('token');
  assert.equal(requests.length, 1);
  const code = new URL(this.actor(this.lastPerson as string).callbackUrl as string).searchParams.get('code');
  assert.equal(requests[0]?.params.grant_type, 'authorization_code');
  assert.equal(requests[0]?.params.code, code);
  assert.equal(requests[0]?.status, 200);
});

Then('it carried the registered redirect URI and a code verifier', function (this: ConformanceWorld) {
  const params = this.mock.requests.to('token')[0]?.params ?? {};
  assert.equal(params.redirect_uri, this.mock.client.redirect_uris[0]);
  assert.match(String(params.code_verifier), /^[A-Za-z0-9._~-]{43,128}$/);
});

Then('the client authenticated with HTTP Basic as {string}', function (this: ConformanceWorld, clientId: string) {
  const request = this.mock.requests.to('token')[0];
  assert.equal(request?.authorizationScheme, 'Basic');
  assert.equal(request?.clientId, clientId);
  assert.equal(request?.params.client_secret, undefined, 'the secret is not in the body');
});

Given('someone has already redeemed that code', async function (this: ConformanceWorld) {
  const code = new URL(this.actor(this.lastPerson as string).callbackUrl as string).searchParams.get('code');
  await this.mock.consumeAuthorizationCode(code as string);
});

Given('Mallory has obtained a code for the account {account}', async function (this: ConformanceWorld, account: string) {
  const victim = this.lastPerson as string;
  await this.signIn('Mallory');
  await this.startConnecting('Mallory');
  this.notes.set('mallory-callback', await this.authorizeAtProvider('Mallory', account));
  this.lastPerson = victim;
});

When("{person}'s callback arrives carrying Mallory's code", async function (this: ConformanceWorld, person: string) {
  const malloryCode = new URL(this.notes.get('mallory-callback') as string).searchParams.get('code') as string;
  const url = new URL(await this.authorizeAtProvider(person, 'alice'));
  url.searchParams.set('code', malloryCode);
  await this.deliverCallback(person, url.href);
});

Given('the integration is configured with a wrong client secret', async function (this: ConformanceWorld) {
  await this.reconfigure({ CLIENT_SECRET: 'not-the-registered-secret' });
});

Then('the provider received exactly {int} token request(s)', function (this: ConformanceWorld, count: number) {
  assert.equal(this.mock.requests.to('token').length, count);
});

Given("the provider's token endpoint will answer {int}", async function (this: ConformanceWorld, status: number) {
  this.mock.faults.failNext('token', { status, ...(status === 429 || status === 503 ? { headers: { 'retry-after': '30' } } : {}) });
  this.notes.set('snapshot', this.lastPerson && (await this.storedConnection(this.lastPerson)));
});

Given(
  "the provider's token endpoint will answer {int} with the body {string}",
  function (this: ConformanceWorld, status: number, body: string) {
    this.mock.faults.failNext('token', { status, body });
  },
);

Given('the integration waits at most {int} milliseconds for the provider', async function (this: ConformanceWorld, ms: number) {
  await this.reconfigure({ PROVIDER_TIMEOUT_MS: String(ms) });
});

Given("the provider's token endpoint will answer only after {int} seconds", function (this: ConformanceWorld, seconds: number) {
  this.mock.faults.failNext('token', { delayMs: seconds * 1000 });
});

Given(/^the provider will send (?:the|a token response with the) token_type "([^"]*)"$/, function (this: ConformanceWorld, tokenType: string) {
  tamperTokenResponse(this, (body) => ({ ...body, token_type: tokenType }));
});

Given(/^the provider will (?:leave "(\w+)" out of the token response|send a token response without "(\w+)")$/, function (this: ConformanceWorld, left?: string, without?: string) {
  const field = (left ?? without) as string;
  tamperTokenResponse(this, ({ [field]: _left, ...rest }) => rest);
});

const oddNumbers: Record<string, number> = { negative: -60, huge: 1e300, fractional: 0.5 };

Given(/^the provider will send a token response with a (negative|huge|fractional) "(\w+)"$/, function (this: ConformanceWorld, kind: string, field: string) {
  tamperTokenResponse(this, (body) => ({ ...body, [field]: oddNumbers[kind] }));
});

Given('the provider will add the field {string} to the token response', function (this: ConformanceWorld, field: string) {
  tamperTokenResponse(this, (body) => ({ ...body, [field]: 'eu-west-1' }));
});

Then("her/his access token's expiry is unknown", async function (this: ConformanceWorld) {
  const actor = this.actor(this.lastPerson as string);
  const status = JSON.parse((await actor.agent.get(this.url('/api/connection'))).body) as { status: string; expires_at: unknown };
  assert.equal(status.status, 'connected');
  assert.equal(status.expires_at, null);
  assert.equal((await this.storedConnection(actor.name))?.accessTokenExpiresAt, undefined);
});

