import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { got } from 'got';
import { sealRefreshedConnection } from '../src/connection';
import { processTokenResponse } from '../src/oauth/process-token-response';
import type { ConformanceWorld } from './support/world';

type Tokens = { accessToken: string; refreshToken?: string };

/** Refresh a person's tokens at the provider and store them, as a writer outside the integration would. */
async function refreshBehindTheIntegrationsBack(world: ConformanceWorld, person: string): Promise<void> {
  const { store, cipher } = world.integration.integration;
  const connection = await world.storedConnection(person);
  assert.ok(connection);
  const { refreshToken } = await world.storedTokens(person);
  const response = await got.post(`${world.mock.issuer}/token`, {
    username: world.config.clientId,
    password: world.config.clientSecret,
    form: { grant_type: 'refresh_token', refresh_token: refreshToken },
    throwHttpErrors: false,
  });
  assert.equal(response.statusCode, 200, response.body);
  const tokens = processTokenResponse(response, connection.scopes, { idTokenRequired: false });
  assert.ok(await store.updateConnection(sealRefreshedConnection(cipher, connection, tokens, world.clock.now()), connection.version));
}

function tokensAtConnect(world: ConformanceWorld, person: string): Tokens {
  const tokens = world.notes.get(`tokens:${person}`) as Tokens | undefined;
  assert.ok(tokens, `${person} connected in this scenario`);
  return tokens;
}

function refreshRequests(world: ConformanceWorld) {
  return world.mock.requests.to('token').filter((request) => request.params.grant_type === 'refresh_token');
}

/** Ask the provider's introspection endpoint (RFC 7662) whether a token is active, as the client. */
export async function isActiveAtProvider(world: ConformanceWorld, token: string, hint: string): Promise<boolean> {
  const response = await got.post(`${world.mock.issuer}/token/introspection`, {
    username: world.mock.client.client_id,
    password: world.mock.client.client_secret,
    form: { token, token_type_hint: hint },
    throwHttpErrors: false,
  });
  assert.equal(response.statusCode, 200, response.body);
  return (JSON.parse(response.body) as { active: boolean }).active;
}

When('{int} more minutes pass', function (this: ConformanceWorld, minutes: number) {
  this.clock.advance(minutes * 60_000);
});

Then('the provider received {int} refresh request(s)', function (this: ConformanceWorld, count: number) {
  assert.equal(refreshRequests(this).length, count);
});

Then('the vendor API saw only her/his new access token', async function (this: ConformanceWorld) {
  const person = this.lastPerson as string;
  const now = await this.storedTokens(person);
  assert.notEqual(now.accessToken, tokensAtConnect(this, person).accessToken, 'the access token changed');
  const seen = this.mock.requests.to('resource');
  assert.deepEqual(seen.map((request) => [request.bearerToken, request.status]), [[now.accessToken, 200]]);
});

Given("the provider has revoked {person}'s access token early", async function (this: ConformanceWorld, person: string) {
  await this.mock.revokeAccessToken(tokensAtConnect(this, person).accessToken);
});

Then('the vendor API answered {int} then {int}', function (this: ConformanceWorld, first: number, second: number) {
  assert.deepEqual(this.mock.requests.to('resource').map((request) => request.status), [first, second]);
});

Then('the refresh request asked for no scope', function (this: ConformanceWorld) {
  const [request] = refreshRequests(this);
  assert.ok(request, 'a refresh happened');
  assert.equal(request.params.scope, undefined);
});

Then('her/his stored refresh token is the new one the provider issued', async function (this: ConformanceWorld) {
  const person = this.lastPerson as string;
  const { refreshToken } = await this.storedTokens(person);
  assert.ok(refreshToken);
  assert.notEqual(refreshToken, tokensAtConnect(this, person).refreshToken);
  assert.equal(await isActiveAtProvider(this, refreshToken, 'refresh_token'), true);
});

Then('the provider no longer accepts her/his old refresh token', async function (this: ConformanceWorld) {
  const old = tokensAtConnect(this, this.lastPerson as string).refreshToken as string;
  assert.equal(await isActiveAtProvider(this, old, 'refresh_token'), false);
});

Given('the provider does not rotate refresh tokens', function (this: ConformanceWorld) {
  this.mock.setRefreshTokenRotation(false);
});

Then('her/his stored refresh token is still the one she/he had', async function (this: ConformanceWorld) {
  const person = this.lastPerson as string;
  assert.equal((await this.storedTokens(person)).refreshToken, tokensAtConnect(this, person).refreshToken);
});

Then('her/his connection needs to be made again because of {string}', async function (this: ConformanceWorld, reason: string) {
  const person = this.lastPerson as string;
  const status = JSON.parse((await this.actor(person).agent.get(this.url('/api/connection'), { accept: 'application/json' })).body) as {
    status: string;
    reason?: string;
  };
  assert.deepEqual([status.status, status.reason], ['reauth_required', reason]);
  const page = (await this.actor(person).agent.get(this.url('/'))).body;
  assert.match(page, /data-connection-status="reauth_required"/);
});

Given("{person} has revoked the integration's access at the vendor", async function (this: ConformanceWorld, person: string) {
  assert.equal(await this.mock.revokeGrants(person.toLowerCase()), 1);
});

Given('{person} has been told to reconnect', async function (this: ConformanceWorld, person: string) {
  assert.equal((await this.callApi(person, '/api/databases')).statusCode, 409);
});

When(
  '{person} lists her/his databases while another writer refreshes her/his tokens, the provider refusing hers/his with {string}',
  async function (this: ConformanceWorld, person: string, error: string) {
    this.mock.faults.failNext('token', { delayMs: 500, status: 400, error });
    const call = this.callApi(person, '/api/databases');
    // Once the provider holds the integration's refresh request, another writer (one that does not
    // take the integration's lock: another deployment, an operator's tool) refreshes for real and stores the result.
    while (this.mock.faults.pending('token') > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await refreshBehindTheIntegrationsBack(this, person);
    await call;
  },
);

Then('her/his connection is still connected', async function (this: ConformanceWorld) {
  const connection = await this.storedConnection(this.lastPerson as string);
  assert.equal(connection?.status, 'connected');
});

Then('her/his stored connection is unchanged', async function (this: ConformanceWorld) {
  const snapshot = this.notes.get('snapshot');
  assert.ok(snapshot, 'a snapshot was taken before the failure');
  assert.deepEqual(await this.storedConnection(this.lastPerson as string), snapshot);
});

Then('the number of refresh requests the provider received is {int}', function (this: ConformanceWorld, count: number) {
  // Every token request after the code exchange, including those a fault answered before reading them.
  assert.equal(this.mock.requests.to('token').filter((request) => request.params.grant_type !== 'authorization_code').length, count);
});
