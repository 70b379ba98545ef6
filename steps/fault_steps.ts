import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { errorCodeOf } from './support/html-forms';
import { assertRefused } from './support/outcomes';
import type { Person } from './support/people';
import type { Endpoint, Fault } from './support/provider-driver';
import { callsScene } from './support/scenes/calls';
import { connectionBefore, rememberConnectionBefore } from './support/scenes/connection-before';
import { needed } from './support/scenes/scene';
import { authorizationRequestParameters } from './support/security-profile';
import { authorizeAtProvider, callApi, connectionView, deliverCallback } from './support/tasks';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

const endpoints: Record<string, Endpoint> = {
  discovery: 'discovery',
  JWKS: 'jwks',
  'token endpoint': 'token',
  'resource API': 'resource',
  'revocation endpoint': 'revocation',
  'authorization endpoint': 'authorization',
  'userinfo endpoint': 'userinfo',
};

/**
 * Each fault kind, in the words of the features; `times` is added by the step. A function gives the fault as the
 * world's security profile shapes it.
 */
const faults: Record<string, Fault | 'rate limited' | 'too late' | ((world: ConformanceWorld) => Fault)> = {
  'answers 500': { status: 500 },
  'answers 503': { status: 503 },
  'answers 429': { status: 429 },
  // A refused access token, as a resource server says so (RFC 6750 3.1; RFC 9449 7.1 for a DPoP-bound one).
  'answers 401': (world) => ({
    status: 401,
    error: 'invalid_token',
    headers: { 'www-authenticate': `${world.securityProfile === 'fapi2' ? 'DPoP' : 'Bearer'} error="invalid_token"` },
  }),
  // A 4xx without an OAuth error (contract 5.3: "such as a 401 with no JSON body").
  'answers 401 with no body': { status: 401, body: '' },
  'answers garbage': { status: 200, body: '<html>down for maintenance</html>' },
  'drops the connection': { drop: true },
  'answers the OAuth error "invalid_request"': { status: 400, error: 'invalid_request' },
  'answers the OAuth error "invalid_client"': { status: 401, error: 'invalid_client' },
  'is rate limited': 'rate limited',
  'answers too late': 'too late',
};

Given(
  /^the provider's (.+?) keeps failing: (.+)$/,
  async function (this: ConformanceWorld, where: string, what: string) {
    const endpoint = endpoints[where];
    const fault = faults[what];
    assert.ok(endpoint && fault, `no endpoint "${where}" or fault "${what}"`);
    if (this.people.subject.issuedAtConnect) await rememberConnectionBefore(this, this.people.subject);
    // A new signing key, so that the integration must fetch the keys, whatever it cached before.
    if (endpoint === 'jwks') await this.provider.rotateSigningKey();
    if (fault === 'rate limited') {
      await this.provider.setRateLimit(endpoint, { limit: 0, windowSeconds: 60 });
    } else if (fault === 'too late') {
      // Ours in-process is told to wait a short while, to keep the suite fast; a remote one declares how long it waits.
      if (this.can('restarts')) await this.inProcess.reconfigure({ PROVIDER_TIMEOUT_MS: '200' });
      await this.provider.failNext(endpoint, { delayMs: this.sut.settings.providerTimeoutMs + 800, times: 1000 });
    } else {
      await this.provider.failNext(endpoint, { ...(typeof fault === 'function' ? fault(this) : fault), times: 1000 });
    }
  },
);

Then('she/he is still signed in, and not connected', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.equal((await connectionView(this, person)).status, 'not_connected');
  // Ours holds nothing but the session.
  if (this.can('store'))
    assert.deepEqual(await this.store.counts(), {
      sessions: 1,
      pendingAuthorizations: 0,
      connections: 0,
      revocations: 0,
    });
});

/**
 * Our store after a failed callback: the session and the pending authorization alone (no connection,
 * nothing queued); the pending authorization of the person's attempt is returned.
 */
async function storedAttemptAlone(world: ConformanceWorld, person: Person) {
  assert.deepEqual(await world.store.counts(), {
    sessions: 1,
    pendingAuthorizations: 1,
    connections: 0,
    revocations: 0,
  });
  const parameters = await authorizationRequestParameters(world.provider, person.authorizationUrl as string);
  return world.store.pendingAuthorization(parameters.get('state') as string);
}

Then('she/he is not connected, and her/his attempt is spent', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.equal((await connectionView(this, person)).status, 'not_connected');
  if (this.can('store')) {
    assert.notEqual((await storedAttemptAlone(this, person))?.usedAt, undefined, 'the attempt is spent');
  }
  // The same callback again is refused as a reused state, without a token request.
  const tokenRequests = (await this.provider.requests('token')).length;
  const replay = await person.agent.get(person.callbackUrl as string);
  assertRefused(replay, 'state_already_used');
  assert.equal((await this.provider.requests('token')).length, tokenRequests, 'the replay made no token request');
});

Then(
  'she/he is not connected, and her/his attempt is still usable once the provider is back',
  async function (this: ConformanceWorld) {
    const person = this.people.subject;
    assert.equal((await connectionView(this, person)).status, 'not_connected');
    if (this.can('store')) {
      assert.equal((await storedAttemptAlone(this, person))?.usedAt, undefined, 'the attempt is unused');
    }
    await this.provider.clearFaults();
    const response = await deliverCallback(this, person, await authorizeAtProvider(this, person, 'alice'));
    assert.ok(
      [302, 303].includes(response.statusCode),
      `the attempt still connects: ${response.statusCode} ${response.body.slice(0, 300)}`,
    );
    assert.equal((await connectionView(this, person)).status, 'connected');
  },
);

Then('her/his connection and tokens are exactly as they were', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const before = connectionBefore(this, 'the connection before the fault');
  const view = await person.agent.get(this.url('/api/connection'), { accept: 'application/json' });
  // Ours with its database cut cannot show it (store_unavailable): its store, read by the harness, must.
  if (!(this.can('store') && view.statusCode === 503)) {
    assert.equal(view.statusCode, 200, `GET /api/connection: ${view.statusCode} ${view.body.slice(0, 200)}`);
    assert.deepEqual(JSON.parse(view.body), before.view);
  }
  // No refresh reached the provider: the refresh token she connected with still works there.
  const { refreshToken } = person.tokensAtConnect;
  if (refreshToken)
    assert.equal(
      (await this.provider.tokenState(refreshToken)).active,
      true,
      'her refresh token still works at the provider',
    );
  if (this.can('store')) {
    assert.deepEqual(await this.store.connection(person.username), before.stored);
    assert.deepEqual(await this.store.revocations(), []);
  }
});

When('{person} goes to the provider', async function (this: ConformanceWorld, person: Person) {
  assert.ok(person.authorizationUrl, `${person.name} started connecting`);
  person.providerPage = await person.agent.get(person.authorizationUrl);
});

Then('the provider shows her/him an error page', function (this: ConformanceWorld) {
  const page = this.people.subject.providerPage;
  assert.equal(page?.statusCode, 500);
  assert.equal(page?.headers.location, undefined, 'no redirect back to the integration');
});

Given("the provider's resource API will answer {int} once", async function (this: ConformanceWorld, status: number) {
  await this.provider.failNext('resource', { status });
});

Given(
  "the provider's token endpoint will answer {int} once, then {int} once",
  async function (this: ConformanceWorld, first: number, second: number) {
    await this.provider.failNext('token', { status: first });
    await this.provider.failNext('token', { status: second });
  },
);

Given(
  /^the provider's resource API will answer (\d+) with "Retry-After: (\d+)"$/,
  async function (this: ConformanceWorld, status: string, seconds: string) {
    await this.provider.failNext('resource', {
      status: Number(status),
      headers: { 'retry-after': String(seconds) },
      times: 1000,
    });
  },
);

Then('the answer says to retry after {int} seconds', function (this: ConformanceWorld, seconds: number) {
  assert.equal(this.lastAnswer?.headers['retry-after'], String(seconds));
});

Then('the vendor API received {int} request(s)', async function (this: ConformanceWorld, count: number) {
  assert.equal((await this.provider.requests('resource')).length, count);
});

Given(
  "the provider's resource API allows {int} requests a minute",
  async function (this: ConformanceWorld, limit: number) {
    await this.provider.setRateLimit('resource', { limit, windowSeconds: 60 });
  },
);

When(
  '{person} lists her/his databases {int} times, one after another',
  async function (this: ConformanceWorld, person: Person, times: number) {
    const answers: HttpResponse[] = [];
    for (let call = 0; call < times; call += 1) answers.push(await callApi(this, person, '/api/databases'));
    callsScene(this).answers = answers;
  },
);

Then(
  '{int} of the calls succeed and {int} are refused with {code}',
  function (this: ConformanceWorld, succeeded: number, refused: number, code: string) {
    const answers = needed(callsScene(this).answers, 'the calls');
    assert.equal(answers.filter((answer) => answer.statusCode === 200).length, succeeded);
    assert.equal(
      answers.filter((answer) => answer.statusCode !== 200 && errorCodeOf(answer.body) === code).length,
      refused,
    );
  },
);
