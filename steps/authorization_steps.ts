import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { Then, When } from '@cucumber/cucumber';
import type { ConformanceWorld } from './support/world';

function authorizationParameters(world: ConformanceWorld, url?: string): URLSearchParams {
  const target = url ?? world.actor(world.lastPerson as string).authorizationUrl;
  assert.ok(target, 'an authorization request was made');
  return new URL(target).searchParams;
}

function tokenRequest(world: ConformanceWorld): Record<string, unknown> {
  const requests = world.mock.requests.to('token');
  assert.equal(requests.length, 1, 'exactly one token request');
  return (requests[0] as { params: Record<string, unknown> }).params;
}

Then('the authorization request carries an S256 code challenge', function (this: ConformanceWorld) {
  const parameters = authorizationParameters(this);
  assert.equal(parameters.get('code_challenge_method'), 'S256');
  assert.match(parameters.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
});

Then(
  'the token request carries a code verifier of at least 43 characters matching the challenge',
  function (this: ConformanceWorld) {
    const verifier = tokenRequest(this).code_verifier;
    assert.equal(typeof verifier, 'string');
    assert.match(verifier as string, /^[A-Za-z0-9._~-]{43,128}$/);
    const challenge = createHash('sha256').update(verifier as string).digest('base64url');
    assert.equal(challenge, authorizationParameters(this).get('code_challenge'));
  },
);

Then('the code verifier never appeared in a URL her/his browser visited', function (this: ConformanceWorld) {
  const verifier = tokenRequest(this).code_verifier as string;
  const history = this.actor(this.lastPerson as string).agent.history;
  assert.ok(history.length > 3);
  for (const url of history) assert.ok(!decodeURIComponent(url).includes(verifier), `no verifier in ${url}`);
});

When('{person} starts connecting her/his MySQL account twice', async function (this: ConformanceWorld, person: string) {
  const urls: string[] = [];
  for (const _attempt of [1, 2]) {
    await this.startConnecting(person);
    urls.push(this.actor(person).authorizationUrl as string);
  }
  this.notes.set('attempts', urls);
});

Then('the two attempts share no code challenge, state or nonce', function (this: ConformanceWorld) {
  const [first, second] = (this.notes.get('attempts') as string[]).map((url) => new URL(url).searchParams);
  for (const name of ['code_challenge', 'state', 'nonce']) {
    assert.ok(first?.get(name), `${name} is sent`);
    assert.notEqual(first?.get(name), second?.get(name), `${name} differs`);
  }
});

Then('each state and nonce carries at least 256 bits', function (this: ConformanceWorld) {
  for (const url of this.notes.get('attempts') as string[]) {
    const parameters = new URL(url).searchParams;
    for (const name of ['state', 'nonce']) {
      const value = parameters.get(name) ?? '';
      assert.ok(Buffer.from(value, 'base64url').length >= 32, `${name} holds 32 random bytes`);
    }
  }
});

Then("the authorization request's redirect URI is exactly the registered one", function (this: ConformanceWorld) {
  assert.equal(authorizationParameters(this).get('redirect_uri'), this.mock.client.redirect_uris[0]);
});

Then("the token request's redirect URI is the same", function (this: ConformanceWorld) {
  assert.equal(tokenRequest(this).redirect_uri, this.mock.client.redirect_uris[0]);
});

Then(
  'the authorization request asks for response type {string} with the scopes {string}',
  function (this: ConformanceWorld, responseType: string, scopes: string) {
    const parameters = authorizationParameters(this);
    assert.equal(parameters.get('response_type'), responseType);
    assert.equal(parameters.get('scope'), scopes);
    assert.equal(parameters.get('client_id'), this.config.clientId);
    assert.equal(parameters.get('response_mode'), null, 'no response_mode that could put the answer in a fragment');
  },
);

Then('it carries a nonce', function (this: ConformanceWorld) {
  assert.match(authorizationParameters(this).get('nonce') ?? '', /^[A-Za-z0-9_-]{43,}$/);
});

Then('no URL her/his browser visited holds the client secret or a token', async function (this: ConformanceWorld) {
  const person = this.lastPerson as string;
  const tokens = await this.storedTokens(person);
  const secrets = [this.config.clientSecret, tokens.accessToken, tokens.refreshToken as string];
  const history = this.actor(person).agent.history;
  for (const url of history) {
    const decoded = decodeURIComponent(url);
    for (const secret of secrets) assert.ok(!decoded.includes(secret), `no secret in ${url}`);
    assert.doesNotMatch(decoded, /[?&#](access_token|id_token|refresh_token|client_secret)=/);
  }
});

When(
  '{person} starts connecting her/his MySQL account, to come back to {string}',
  async function (this: ConformanceWorld, person: string, returnTo: string) {
    await this.startConnecting(person, returnTo);
  },
);

Then('no authorization request is made', async function (this: ConformanceWorld) {
  const actor = this.actor(this.lastPerson as string);
  assert.notEqual(actor.response?.statusCode, 302, 'the browser is not sent to the provider');
  assert.equal(actor.authorizationUrl, undefined);
  assert.equal((await (await this.storeForChecks()).counts()).pendingAuthorizations, 0, 'no pending authorization was kept');
});

Then("{person} is sent to the provider's authorization endpoint", function (this: ConformanceWorld, person: string) {
  const actor = this.actor(person);
  assert.equal(actor.response?.statusCode, 302);
  assert.ok(actor.authorizationUrl?.startsWith(`${this.mock.issuer}/auth?`));
});
