import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import type { Person } from './support/people';
import { connectionView, lastIssued, revocationsOfThisScenario } from './support/tasks';
import type { SiteHeaders } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

async function disconnect(
  world: ConformanceWorld,
  person: Person,
  headers: Record<string, string> = {},
  from?: SiteHeaders,
) {
  person.response = await person.agent.post(world.url('/disconnect'), {}, headers, from);
  world.lastAnswer = person.response;
  return person.response;
}

When('{person} disconnects her/his MySQL account', async function (this: ConformanceWorld, person: Person) {
  const response = await disconnect(this, person);
  assert.ok(
    [302, 303].includes(response.statusCode),
    `disconnected: ${response.statusCode} ${response.body.slice(0, 300)}`,
  );
  person.response = await person.agent.get(this.url('/'));
  this.lastAnswer = person.response;
});

Given('{person} has disconnected her/his MySQL account', async function (this: ConformanceWorld, person: Person) {
  const response = await disconnect(this, person);
  assert.ok([302, 303].includes(response.statusCode), `disconnected: ${response.statusCode}`);
});

When(
  "{sender} posts a disconnect in {person}'s browser",
  async function (this: ConformanceWorld, from: SiteHeaders, person: Person) {
    await disconnect(this, person, {}, from);
  },
);

Then(
  'the provider received the revocation of her/his refresh token, then of her/his access token, from the integration',
  async function (this: ConformanceWorld) {
    const tokens = this.people.subject.tokensAtConnect;
    const requests = await revocationsOfThisScenario(this);
    assert.deepEqual(
      requests.map((request) => [request.params.token, request.params.token_type_hint, request.status]),
      [
        [tokens.refreshToken, 'refresh_token', 200],
        [tokens.accessToken, 'access_token', 200],
      ],
    );
    for (const request of requests) {
      // Authenticated as the client: HTTP Basic, or under FAPI 2.0 a private_key_jwt assertion.
      if (this.securityProfile === 'fapi2') assert.ok(request.clientAssertion, 'a client assertion');
      else assert.equal(request.authorizationScheme, 'Basic');
      assert.equal(request.clientId, this.provider.client.client_id);
    }
  },
);

Then(
  /^the provider received the revocation of the refresh token, then of the access token, issued to that (code exchange|refresh)$/,
  async function (this: ConformanceWorld, exchange: string) {
    const grantType = exchange === 'refresh' ? 'refresh_token' : 'authorization_code';
    const issued = await lastIssued(this, grantType);
    assert.ok(issued?.refreshToken, `the provider answered the ${exchange} with a refresh token`);
    const revoked = (await revocationsOfThisScenario(this)).filter((request) =>
      [issued.refreshToken, issued.accessToken].includes(String(request.params.token)),
    );
    assert.deepEqual(
      revoked.map((request) => [request.params.token, request.params.token_type_hint, request.status]),
      [
        [issued.refreshToken, 'refresh_token', 200],
        [issued.accessToken, 'access_token', 200],
      ],
      'the integration revoked, refresh token first, the tokens it refused',
    );
    for (const token of [issued.refreshToken, issued.accessToken])
      assert.equal((await this.provider.tokenState(token)).active, false, 'the provider no longer accepts them');
  },
);

async function activeTokens(world: ConformanceWorld, person: Person): Promise<{ refresh: boolean; access: boolean }> {
  const { accessToken, refreshToken } = person.tokensAtConnect;
  assert.ok(refreshToken, 'a refresh token was issued at connect');
  return {
    refresh: (await world.provider.tokenState(refreshToken)).active,
    access: (await world.provider.tokenState(accessToken)).active,
  };
}

Then('the provider no longer accepts either of her/his tokens', async function (this: ConformanceWorld) {
  assert.deepEqual(await activeTokens(this, this.people.subject), { refresh: false, access: false });
});

Then('her/his tokens still work at the provider', async function (this: ConformanceWorld) {
  assert.deepEqual(await activeTokens(this, this.people.subject), { refresh: true, access: true });
});

Then('nothing of her/his connection is stored', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.equal((await connectionView(this, person)).status, 'not_connected');
  if (this.can('store')) {
    assert.equal(await this.store.connection(person.username), undefined);
    assert.deepEqual(await this.store.revocations(), []);
  }
});

Then(
  /^nothing of (?:her|his) connection is stored but (\d+) revocations? waiting$/,
  async function (this: ConformanceWorld, count: string) {
    const person = this.people.subject;
    assert.equal((await connectionView(this, person)).status, 'not_connected');
    // What waits is not revoked yet: at least one of her tokens still works at the provider.
    const active = await activeTokens(this, person);
    assert.ok(active.refresh || active.access, 'a token waiting for revocation still works at the provider');
    if (this.can('store')) {
      assert.equal(await this.store.connection(person.username), undefined);
      const waiting = await this.store.revocations();
      assert.equal(waiting.length, Number(count));
      const { accessToken, refreshToken } = person.tokensAtConnect;
      for (const revocation of waiting) {
        const seen = JSON.stringify(revocation);
        assert.ok(!seen.includes(accessToken) && !seen.includes(refreshToken as string), 'queued tokens are sealed');
      }
    }
  },
);

Given(
  /^the provider's revocation endpoint will answer (\d+) with "Retry-After: (\d+)" twice$/,
  async function (this: ConformanceWorld, status: string, seconds: string) {
    await this.provider.failNext('revocation', {
      status: Number(status),
      headers: { 'retry-after': String(seconds) },
      times: 2,
    });
  },
);

Given(
  "the provider's revocation endpoint will answer {int} {int} times",
  async function (this: ConformanceWorld, status: number, times: number) {
    await this.provider.failNext('revocation', { status, times });
  },
);

When(
  /^(\d+) (?:more )?minutes? pass(?:es)? and the integration retries waiting revocations$/,
  async function (this: ConformanceWorld, minutes: string) {
    await this.timePasses(Number(minutes) * 60);
    await this.sut.retryRevocations();
  },
);

Then(
  'the provider received {int} revocation request(s) in all',
  async function (this: ConformanceWorld, count: number) {
    assert.equal((await revocationsOfThisScenario(this)).length, count);
  },
);

When(
  '{person} disconnects her/his MySQL account, asking for JSON',
  async function (this: ConformanceWorld, person: Person) {
    await disconnect(this, person, { accept: 'application/json' });
  },
);

Then(
  'the answer says she/he is not connected, and the revocation is {string}',
  function (this: ConformanceWorld, revocation: string) {
    const answer = this.people.subject.response;
    assert.equal(answer?.statusCode, 200, `${answer?.statusCode} ${answer?.body.slice(0, 300)}`);
    assert.match(String(answer.headers['content-type']), /application\/json/);
    // Contract 5.7: the harness checks both values (other keys may come too).
    const { status, revocation: told } = JSON.parse(answer.body) as { status?: unknown; revocation?: unknown };
    assert.deepEqual({ status, revocation: told }, { status: 'not_connected', revocation });
  },
);

When(
  /^the (first|second) backoff has passed and the integration retries waiting revocations$/,
  async function (this: ConformanceWorld, which: string) {
    // The retry interval the integration declared, doubled after each failed attempt; a second more, to be past it.
    const interval = this.sut.settings.revocationRetryIntervalSeconds;
    await this.timePasses((which === 'first' ? interval : 2 * interval) + 1);
    await this.sut.retryRevocations();
  },
);

/** Contract 5.7, 10.1: the mock's `revocationEndpoint` mode: discovery names none, and the endpoint answers 404. */
Given('the provider offers no revocation endpoint', async function (this: ConformanceWorld) {
  await this.provider.setModes({ revocationEndpoint: false });
});

/**
 * The Background's connect filled the integration's discovery cache (contract 3.6), which the harness can empty
 * only by restarting our integration in-process (same port, store and settings): a fresh start reads the metadata
 * again. A remote integration's cache is out of reach, hence @in-process.
 */
When("the integration reads the provider's metadata afresh", async function (this: ConformanceWorld) {
  await this.inProcess.reconfigure({});
});
