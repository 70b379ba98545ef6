import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { Endpoint, Fault } from '../mock-provider';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

const endpoints: Record<string, Endpoint> = {
  discovery: 'discovery',
  JWKS: 'jwks',
  'token endpoint': 'token',
  'resource API': 'resource',
  'revocation endpoint': 'revocation',
  'authorization endpoint': 'authorization',
};

/** Each fault kind, in the words of the features; `times` is added by the step. */
const faults: Record<string, Fault | 'rate limited' | 'too late'> = {
  'answers 500': { status: 500 },
  'answers 503': { status: 503 },
  'answers 429': { status: 429 },
  'answers garbage': { status: 200, body: '<html>down for maintenance</html>' },
  'drops the connection': { drop: true },
  'answers the OAuth error "invalid_request"': { status: 400, error: 'invalid_request' },
  'is rate limited': 'rate limited',
  'answers too late': 'too late',
};

Given(/^the provider's (.+?) keeps failing: (.+)$/, async function (this: ConformanceWorld, where: string, what: string) {
  const endpoint = endpoints[where];
  const fault = faults[what];
  assert.ok(endpoint && fault, `no endpoint "${where}" or fault "${what}"`);
  if (this.lastPerson) this.notes.set('snapshot', await this.storedConnection(this.lastPerson));
  if (fault === 'rate limited') {
    this.mock.rateLimits.set(endpoint, { limit: 0, windowSeconds: 60 });
  } else if (fault === 'too late') {
    await this.reconfigure({ PROVIDER_TIMEOUT_MS: '200' });
    this.mock.faults.failNext(endpoint, { delayMs: 1000, times: 1000 });
  } else {
    this.mock.faults.failNext(endpoint, { ...fault, times: 1000 });
  }
});

async function assertStoreHolds(world: ConformanceWorld, counts: { pendingAuthorizations: number; used?: boolean }): Promise<void> {
  const store = await world.storeForChecks();
  assert.deepEqual(await store.counts(), { sessions: 1, pendingAuthorizations: counts.pendingAuthorizations, connections: 0, revocations: 0 });
  if (counts.used !== undefined) {
    const state = new URL(world.actor(world.lastPerson as string).authorizationUrl as string).searchParams.get('state') as string;
    const pending = await store.findPendingAuthorization(state);
    assert.equal(pending?.usedAt !== undefined, counts.used, counts.used ? 'the attempt is spent' : 'the attempt is unused');
  }
}

Then('the store holds nothing for her/him but her/his session', async function (this: ConformanceWorld) {
  await assertStoreHolds(this, { pendingAuthorizations: 0 });
});

Then('the store holds nothing for her/him but her/his session and the spent attempt', async function (this: ConformanceWorld) {
  await assertStoreHolds(this, { pendingAuthorizations: 1, used: true });
});

Then('the store holds nothing for her/him but her/his session and the unused attempt', async function (this: ConformanceWorld) {
  await assertStoreHolds(this, { pendingAuthorizations: 1, used: false });
});

Then('her/his connection and tokens are exactly as they were', async function (this: ConformanceWorld) {
  const snapshot = this.notes.get('snapshot');
  assert.ok(snapshot, 'a snapshot was taken before the fault');
  assert.deepEqual(await this.storedConnection(this.lastPerson as string), snapshot);
  assert.deepEqual(await (await this.storeForChecks()).listRevocations(), []);
});

When('{person} goes to the provider', async function (this: ConformanceWorld, person: string) {
  const actor = this.actor(person);
  actor.providerPage = await actor.agent.get(actor.authorizationUrl as string);
});

Then('the provider shows her/him an error page', function (this: ConformanceWorld) {
  const page = this.actor(this.lastPerson as string).providerPage;
  assert.equal(page?.statusCode, 500);
  assert.equal(page?.headers.location, undefined, 'no redirect back to the integration');
});

Given("the provider's resource API will answer {int} once", function (this: ConformanceWorld, status: number) {
  this.mock.faults.failNext('resource', { status });
});

Given(
  "the provider's token endpoint will answer {int} once, then {int} once",
  function (this: ConformanceWorld, first: number, second: number) {
    this.mock.faults.failNext('token', { status: first });
    this.mock.faults.failNext('token', { status: second });
  },
);

Given(
  /^the provider's resource API will answer (\d+) with "Retry-After: (\d+)"$/,
  function (this: ConformanceWorld, status: string, seconds: string) {
    this.mock.faults.failNext('resource', { status: Number(status), headers: { 'retry-after': seconds }, times: 1000 });
  },
);

Then('the answer says to retry after {int} seconds', function (this: ConformanceWorld, seconds: number) {
  assert.equal(this.lastResponse?.headers['retry-after'], String(seconds));
});

Then('the vendor API received {int} request(s)', function (this: ConformanceWorld, count: number) {
  assert.equal(this.mock.requests.to('resource').length, count);
});

Given("the provider's resource API allows {int} requests a minute", function (this: ConformanceWorld, limit: number) {
  this.mock.rateLimits.set('resource', { limit, windowSeconds: 60 });
});

When('{person} lists her/his databases {int} times, one after another', async function (this: ConformanceWorld, person: string, times: number) {
  const responses: HttpResponse[] = [];
  for (let call = 0; call < times; call += 1) responses.push(await this.callApi(person, '/api/databases'));
  this.notes.set('responses', responses);
});

Then(
  '{int} of the calls succeed and {int} are refused with {code}',
  function (this: ConformanceWorld, succeeded: number, refused: number, code: string) {
    const responses = this.notes.get('responses') as HttpResponse[];
    assert.equal(responses.filter((response) => response.statusCode === 200).length, succeeded);
    assert.equal(responses.filter((response) => response.body.includes(`"error":"${code}"`)).length, refused);
  },
);
