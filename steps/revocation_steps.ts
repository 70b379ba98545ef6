import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { isActiveAtProvider } from './refresh_steps';
import type { ConformanceWorld } from './support/world';

async function disconnect(world: ConformanceWorld, person: string, headers: Record<string, string> = {}) {
  const actor = world.actor(person);
  actor.response = await actor.agent.post(world.url('/disconnect'), {}, headers);
  world.lastResponse = actor.response;
  return actor.response;
}

When('{person} disconnects her/his MySQL account', async function (this: ConformanceWorld, person: string) {
  const response = await disconnect(this, person);
  assert.equal(response.statusCode, 303, response.body);
  this.lastResponse = await this.actor(person).agent.get(this.url('/'));
});

Given('{person} has disconnected her/his MySQL account', async function (this: ConformanceWorld, person: string) {
  assert.equal((await disconnect(this, person)).statusCode, 303);
});

When("another site's page posts a disconnect in {person}'s browser", async function (this: ConformanceWorld, person: string) {
  await disconnect(this, person, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
});

Then(
  'the provider received the revocation of her/his refresh token, then of her/his access token, from the integration',
  function (this: ConformanceWorld) {
    const tokens = this.notes.get(`tokens:${this.lastPerson as string}`) as { accessToken: string; refreshToken: string };
    const requests = this.mock.requests.to('revocation');
    assert.deepEqual(
      requests.map((request) => [request.params.token, request.params.token_type_hint, request.status]),
      [
        [tokens.refreshToken, 'refresh_token', 200],
        [tokens.accessToken, 'access_token', 200],
      ],
    );
    for (const request of requests) {
      assert.equal(request.authorizationScheme, 'Basic');
      assert.equal(request.clientId, this.config.clientId);
    }
  },
);

Then('the provider no longer accepts either of her/his tokens', async function (this: ConformanceWorld) {
  const tokens = this.notes.get(`tokens:${this.lastPerson as string}`) as { accessToken: string; refreshToken: string };
  assert.equal(await isActiveAtProvider(this, tokens.refreshToken, 'refresh_token'), false, 'refresh token dead');
  assert.equal(await isActiveAtProvider(this, tokens.accessToken, 'access_token'), false, 'access token dead');
});

Then('her/his tokens still work at the provider', async function (this: ConformanceWorld) {
  const tokens = this.notes.get(`tokens:${this.lastPerson as string}`) as { accessToken: string; refreshToken: string };
  assert.equal(await isActiveAtProvider(this, tokens.refreshToken, 'refresh_token'), true);
  assert.equal(await isActiveAtProvider(this, tokens.accessToken, 'access_token'), true);
});

Then('nothing of her/his connection is stored', async function (this: ConformanceWorld) {
  assert.equal(await this.storedConnection(this.lastPerson as string), undefined);
  assert.deepEqual(await (await this.storeForChecks()).listRevocations(), []);
});

Then(
  /^nothing of (?:her|his) connection is stored but (\d+) revocations? waiting$/,
  async function (this: ConformanceWorld, count: string) {
    assert.equal(await this.storedConnection(this.lastPerson as string), undefined);
    const waiting = await (await this.storeForChecks()).listRevocations();
    assert.equal(waiting.length, Number(count));
    const tokens = this.notes.get(`tokens:${this.lastPerson as string}`) as { accessToken: string; refreshToken: string };
    for (const revocation of waiting) {
      assert.ok(!JSON.stringify(revocation).includes(tokens.accessToken) && !JSON.stringify(revocation).includes(tokens.refreshToken), 'queued tokens are sealed');
    }
  },
);

Given(
  /^the provider's revocation endpoint will answer (\d+) with "Retry-After: (\d+)" twice$/,
  function (this: ConformanceWorld, status: string, seconds: string) {
    this.mock.faults.failNext('revocation', { status: Number(status), headers: { 'retry-after': seconds }, times: 2 });
  },
);

Given("the provider's revocation endpoint will answer {int} {int} times", function (this: ConformanceWorld, status: number, times: number) {
  this.mock.faults.failNext('revocation', { status, times });
});

When(
  /^(\d+) (?:more )?minutes? pass(?:es)? and the integration retries waiting revocations$/,
  async function (this: ConformanceWorld, minutes: string) {
    this.clock.advance(Number(minutes) * 60_000);
    await this.integration.integration.revocations.retryDue();
  },
);

Then('the provider received {int} revocation request(s) in all', function (this: ConformanceWorld, count: number) {
  assert.equal(this.mock.requests.to('revocation').length, count);
});
