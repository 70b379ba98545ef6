import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';

import { Then, When } from '@cucumber/cucumber';

import { endpointPaths } from '../mock-provider/endpoints';
import type { Person } from './support/people';
import { needed, sceneOf } from './support/scenes/scene';
import { authorizationRequestParameters } from './support/security-profile';
import { startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

/** What the authorization-request steps remember. */
interface AuthorizationScene {
  /** The authorization URLs of repeated connect attempts. */
  authorizationUrls?: string[];
}

const authorizationScene = sceneOf<AuthorizationScene>(() => ({}));

/**
 * The authorization request as the provider received it: in the URL,
 * or pushed (PAR) when the URL names it by request_uri.
 */
async function authorizationParameters(world: ConformanceWorld, person: Person): Promise<URLSearchParams> {
  assert.ok(person.authorizationUrl, `${person.name} was sent to the provider`);
  return authorizationRequestParameters(world.provider, person.authorizationUrl);
}

async function tokenRequest(world: ConformanceWorld): Promise<Record<string, unknown>> {
  const requests = await world.provider.requests('token');
  assert.equal(requests.length, 1, 'exactly one token request');
  return (requests[0] as { params: Record<string, unknown> }).params;
}

Then('the authorization request carries an S256 code challenge', async function (this: ConformanceWorld) {
  const parameters = await authorizationParameters(this, this.people.subject);
  assert.equal(parameters.get('code_challenge_method'), 'S256');
  assert.match(parameters.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
});

Then(
  'the token request carries a code verifier of at least 43 characters matching the challenge',
  async function (this: ConformanceWorld) {
    const verifier = (await tokenRequest(this)).code_verifier;
    assert.equal(typeof verifier, 'string');
    assert.match(verifier as string, /^[A-Za-z0-9._~-]{43,128}$/);
    const challenge = createHash('sha256')
      .update(verifier as string)
      .digest('base64url');
    assert.equal(challenge, (await authorizationParameters(this, this.people.subject)).get('code_challenge'));
  },
);

Then('the code verifier never appeared in a URL her/his browser visited', async function (this: ConformanceWorld) {
  const verifier = (await tokenRequest(this)).code_verifier as string;
  const history = this.people.subject.agent.history;
  assert.ok(history.length > 3);
  for (const url of history) assert.ok(!decodeURIComponent(url).includes(verifier), `no verifier in ${url}`);
});

When('{person} starts connecting her/his MySQL account twice', async function (this: ConformanceWorld, person: Person) {
  const urls: string[] = [];
  for (const _attempt of [1, 2]) {
    await startConnecting(this, person);
    assert.ok(person.authorizationUrl, `${person.name} was sent to the provider`);
    urls.push(person.authorizationUrl);
  }
  authorizationScene(this).authorizationUrls = urls;
});

Then('the two attempts share no code challenge, state or nonce', async function (this: ConformanceWorld) {
  const urls = needed(authorizationScene(this).authorizationUrls, 'the attempts');
  const [first, second] = await Promise.all(urls.map((url) => authorizationRequestParameters(this.provider, url)));
  for (const name of ['code_challenge', 'state', 'nonce']) {
    assert.ok(first?.get(name), `${name} is sent`);
    assert.notEqual(first?.get(name), second?.get(name), `${name} differs`);
  }
});

Then('each state and nonce carries at least 256 bits', async function (this: ConformanceWorld) {
  for (const url of needed(authorizationScene(this).authorizationUrls, 'the attempts')) {
    const parameters = await authorizationRequestParameters(this.provider, url);
    for (const name of ['state', 'nonce']) {
      const value = parameters.get(name) ?? '';
      assert.match(value, /^[A-Za-z0-9_-]{43,}$/, `${name} is base64url of at least 32 bytes`);
      assert.ok(Buffer.from(value, 'base64url').length >= 32, `${name} holds 32 random bytes`);
    }
  }
});

Then("the authorization request's redirect URI is exactly the registered one", async function (this: ConformanceWorld) {
  assert.equal(
    (await authorizationParameters(this, this.people.subject)).get('redirect_uri'),
    this.provider.client.redirect_uris[0],
  );
});

Then("the token request's redirect URI is the same", async function (this: ConformanceWorld) {
  assert.equal((await tokenRequest(this)).redirect_uri, this.provider.client.redirect_uris[0]);
});

Then(
  'the authorization request asks for response type {string} with the scopes {string}',
  async function (this: ConformanceWorld, responseType: string, scopes: string) {
    const parameters = await authorizationParameters(this, this.people.subject);
    assert.equal(parameters.get('response_type'), responseType);
    assert.deepEqual((parameters.get('scope') ?? '').split(' ').sort(), scopes.split(' ').sort());
    assert.equal(parameters.get('client_id'), this.provider.client.client_id);
    assert.equal(parameters.get('response_mode'), null, 'no response_mode that could put the answer in a fragment');
  },
);

Then('it carries a nonce', async function (this: ConformanceWorld) {
  assert.match((await authorizationParameters(this, this.people.subject)).get('nonce') ?? '', /^[A-Za-z0-9_-]{43,}$/);
});

Then('it asks for consent, as offline access needs', async function (this: ConformanceWorld) {
  assert.equal((await authorizationParameters(this, this.people.subject)).get('prompt'), 'consent');
});

Then('no URL her/his browser visited holds the client secret or a token', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const tokens = person.tokensAtConnect;
  const secrets = [...this.sut.knownSecrets(), tokens.accessToken, tokens.refreshToken ?? ''].filter(Boolean);
  for (const url of person.agent.history) {
    const decoded = decodeURIComponent(url);
    for (const secret of secrets) assert.ok(!decoded.includes(secret), `no secret in ${url}`);
    assert.doesNotMatch(decoded, /[?&#](access_token|id_token|refresh_token|client_secret)=/);
  }
});

When(
  '{person} starts connecting her/his MySQL account, to come back to {string}',
  async function (this: ConformanceWorld, person: Person, returnTo: string) {
    await startConnecting(this, person, returnTo);
  },
);

// The query as written, not encoded again: its own percent-encoding is what is at stake (contract 4.2, 5.1).
When(
  '{person} starts connecting her/his MySQL account with the query {string} as it is',
  async function (this: ConformanceWorld, person: Person, query: string) {
    person.response = await person.agent.get(`${this.url('/connect')}?${query}`);
    this.lastAnswer = person.response;
  },
);

Then('no authorization request is made', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.ok(
    ![301, 302, 303, 307, 308].includes(person.response?.statusCode ?? 0),
    'the browser is not sent to the provider',
  );
  assert.equal(person.authorizationUrl, undefined);
  assert.equal((await this.provider.requests('authorization')).length, 0, 'the provider saw no authorization request');
  // Ours kept no pending authorization either.
  if (this.can('store'))
    assert.equal((await this.store.counts()).pendingAuthorizations, 0, 'no pending authorization was kept');
});

Then(
  "{person} is sent to the provider's authorization endpoint",
  async function (this: ConformanceWorld, person: Person) {
    assert.ok([302, 303].includes(person.response?.statusCode ?? 0), `a redirect, got ${person.response?.statusCode}`);
    const endpoint = `${this.provider.issuer}${endpointPaths.authorization}`;
    assert.ok(person.authorizationUrl?.startsWith(`${endpoint}?`), `${person.authorizationUrl} goes to ${endpoint}`);
  },
);
