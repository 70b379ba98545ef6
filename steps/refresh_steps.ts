import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { sealRefreshedConnection } from '../src/connections/connection-record';
import { openDpopKey } from '../src/crypto/sealed-dpop-key';
import { dpopProof } from '../src/oauth/dpop';
import { processTokenResponse } from '../src/oauth/process-token-response';
import { got } from './support/http';
import { assertRefused } from './support/outcomes';
import type { Person } from './support/people';
import type { RecordedRequest } from './support/provider-driver';
import { callApi, connect, connectionView, lastIssued } from './support/tasks';
import { prepareTokenState, reachTokenState, type TokenState } from './support/token-states';
import type { ConformanceWorld } from './support/world';

/**
 * The refresh requests the provider received. One it answered `use_dpop_nonce`
 * (DPoP, RFC 9449 8: not processed, to be sent again with the provider's
 * nonce) counts once, with the retry that follows it.
 */
function refreshRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter(
    (request) => request.params.grant_type === 'refresh_token' && request.error !== 'use_dpop_nonce',
  );
}

Given(
  /^(Alice|Bob|Carol) has connected (?:her|his) MySQL account as (alice|bob), with an access token (?:that is |that has )?(far from expiry|about to expire|expired)$/,
  async function (this: ConformanceWorld, name: string, account: string, state: TokenState) {
    const person = this.people.named(name);
    await prepareTokenState(this, state);
    const response = await connect(this, person, account);
    assert.ok(
      [302, 303].includes(response.statusCode),
      `connected: ${response.statusCode} ${response.body.slice(0, 300)}`,
    );
    await reachTokenState(this, person, state);
  },
);

Then('the provider received {int} refresh request(s)', async function (this: ConformanceWorld, count: number) {
  assert.equal(refreshRequests(await this.provider.requests('token')).length, count);
});

Then('the vendor API saw only her/his new access token', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const refreshed = await lastIssued(this, 'refresh_token');
  assert.ok(refreshed, 'a refresh issued a new access token');
  assert.notEqual(refreshed.accessToken, person.tokensAtConnect.accessToken, 'the access token changed');
  const seen = await this.provider.requests('resource');
  assert.deepEqual(
    seen.map((request) => [request.bearerToken, request.status]),
    [[refreshed.accessToken, 200]],
  );
  if (this.can('store'))
    assert.equal((await this.store.tokens(person.username)).accessToken, refreshed.accessToken, 'ours stored it');
});

Given(
  "the provider has revoked {person}'s access token early",
  async function (this: ConformanceWorld, person: Person) {
    await this.provider.revokeAccessToken(person.tokensAtConnect.accessToken);
  },
);

Then(
  'the vendor API answered {int} then {int}',
  async function (this: ConformanceWorld, first: number, second: number) {
    assert.deepEqual(
      (await this.provider.requests('resource')).map((request) => request.status),
      [first, second],
    );
  },
);

// The retry after a 401 carries the access token the refresh issued, never the refused one again (contract 5.5).
Then('the vendor API saw her/his old access token, then her/his new one', async function (this: ConformanceWorld) {
  const refreshed = await lastIssued(this, 'refresh_token');
  assert.ok(refreshed, 'a refresh issued a new access token');
  assert.deepEqual(
    (await this.provider.requests('resource')).map((request) => request.bearerToken),
    [this.people.subject.tokensAtConnect.accessToken, refreshed.accessToken],
  );
});

Then('the refresh request asked for no scope', async function (this: ConformanceWorld) {
  const [request] = refreshRequests(await this.provider.requests('token'));
  assert.ok(request, 'a refresh happened');
  assert.equal(request.params.scope, undefined);
});

/**
 * Which refresh token the integration holds, seen from outside: the
 * provider ends the access token it issued last, so the next call is refused
 * (401) and the integration refreshes with the refresh token it kept. That
 * refresh request, which must succeed, is returned.
 */
async function nextRefresh(world: ConformanceWorld, person: Person): Promise<RecordedRequest> {
  const answered = (await world.provider.requests('token')).filter((request) => request.status === 200);
  const current = answered.at(-1)?.issuedTokens[0];
  assert.ok(current, 'the provider issued an access token');
  await world.provider.revokeAccessToken(current);
  const before = refreshRequests(await world.provider.requests('token')).length;
  const answer = await callApi(world, person, '/api/databases');
  assert.equal(
    answer.statusCode,
    200,
    `the call after the access token ended: ${answer.statusCode} ${answer.body.slice(0, 300)}`,
  );
  const refreshes = refreshRequests(await world.provider.requests('token'));
  assert.equal(refreshes.length, before + 1, 'the integration refreshed once');
  return refreshes.at(-1) as RecordedRequest;
}

Then('her/his stored refresh token is the new one the provider issued', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const refreshed = await lastIssued(this, 'refresh_token');
  assert.ok(refreshed?.refreshToken, 'the refresh issued a new refresh token');
  assert.notEqual(refreshed.refreshToken, person.tokensAtConnect.refreshToken);
  assert.equal(
    (await this.provider.tokenState(refreshed.refreshToken)).active,
    true,
    'the provider accepts the new refresh token',
  );
  if (this.can('store'))
    assert.equal((await this.store.tokens(person.username)).refreshToken, refreshed.refreshToken, 'ours stored it');
  assert.equal(
    (await nextRefresh(this, person)).params.refresh_token,
    refreshed.refreshToken,
    'the next refresh uses the new refresh token',
  );
});

Then('the provider no longer accepts her/his old refresh token', async function (this: ConformanceWorld) {
  const old = this.people.subject.tokensAtConnect.refreshToken;
  assert.ok(old, 'a refresh token was issued at connect');
  assert.equal((await this.provider.tokenState(old)).active, false);
});

Given('the provider does not rotate refresh tokens', async function (this: ConformanceWorld) {
  await this.provider.setRefreshTokenRotation(false);
});

Then('her/his stored refresh token is still the one she/he had', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const original = person.tokensAtConnect.refreshToken;
  assert.ok(original, 'a refresh token was issued at connect');
  if (this.can('store'))
    assert.equal((await this.store.tokens(person.username)).refreshToken, original, 'ours kept it');
  assert.equal(
    (await nextRefresh(this, person)).params.refresh_token,
    original,
    'the next refresh uses the refresh token she had',
  );
});

Then(
  /^(?:her|his) connection needs to be made again because of ("[a-z_]+"(?: or "[a-z_]+")*)$/,
  async function (this: ConformanceWorld, reasons: string) {
    const person = this.people.subject;
    const view = await connectionView(this, person);
    assert.equal(view.status, 'reauth_required');
    const accepted = [...reasons.matchAll(/"([a-z_]+)"/g)].map((match) => match[1]);
    assert.ok(accepted.includes(view.reason), `the reason is ${accepted.join(' or ')}, not ${view.reason}`);
    assert.match(
      (await person.agent.get(this.url('/'))).body,
      /\sdata-connection-status="reauth_required"/,
      'the page says the connection must be made again',
    );
  },
);

Given(
  "{person} has revoked the integration's access at the vendor",
  async function (this: ConformanceWorld, person: Person) {
    assert.ok(person.account, `${person.name} connected a vendor account`);
    assert.ok((await this.provider.revokeGrants(person.account)) >= 1, 'a grant was revoked');
  },
);

Given('{person} has been told to reconnect', async function (this: ConformanceWorld, person: Person) {
  assertRefused(await callApi(this, person, '/api/databases'), 'reconnect_required');
  assert.equal((await connectionView(this, person)).status, 'reauth_required');
});

/** Refresh a person's tokens at the provider and store them, as a writer outside the integration would (ours only). */
async function refreshBehindTheIntegrationsBack(world: ConformanceWorld, person: Person): Promise<void> {
  const integration = world.inProcess.integration;
  const store = await world.inProcess.storeForChecks();
  const connection = await store.findConnection(person.username);
  assert.ok(connection);
  const { refreshToken } = await world.store.tokens(person.username);
  // It authenticates as the integration does (client_secret_basic, or private_key_jwt under FAPI 2.0),
  // with a proof of the connection's key when its tokens are DPoP-bound.
  const tokenEndpoint = `${world.provider.issuer}/token`;
  const credentials = await integration.clientAuthentication.credentials();
  const dpopKey = openDpopKey(integration.cipher, connection);
  // Issued now by the provider's clock, which the scenario may have moved on (contract 10.1).
  const issuedAt = Date.parse((await world.provider.clock()).now);
  const proof = dpopKey ? { dpop: await dpopProof(dpopKey, { method: 'POST', url: tokenEndpoint }, issuedAt) } : {};
  const response = await got.post(tokenEndpoint, {
    headers: { ...credentials.headers, ...proof },
    form: { grant_type: 'refresh_token', refresh_token: refreshToken, ...credentials.form },
    throwHttpErrors: false,
  });
  assert.equal(response.statusCode, 200, response.body);
  const tokens = processTokenResponse(response, connection.scopes, {
    idTokenRequired: false,
    dpop: dpopKey !== undefined,
  });
  assert.ok(
    await store.updateConnection(
      sealRefreshedConnection(integration.cipher, connection, tokens, Date.now()),
      connection.version,
    ),
  );
}

When(
  '{person} lists her/his databases while another writer refreshes her/his tokens, the provider refusing hers/his with {string}',
  async function (this: ConformanceWorld, person: Person, error: string) {
    await this.provider.failNext('token', { delayMs: 500, status: 400, error });
    const call = callApi(this, person, '/api/databases');
    // Once the provider holds the integration's refresh request, another writer (one that does not
    // take the integration's lock: another deployment, an operator's tool) refreshes for real and stores the result.
    while ((await this.provider.pendingFaults('token')) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await refreshBehindTheIntegrationsBack(this, person);
    await call;
  },
);

Then('her/his connection is still connected', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.equal((await connectionView(this, person)).status, 'connected');
  if (this.can('store')) assert.equal((await this.store.connection(person.username))?.status, 'connected');
});

Then('the refresh was sent {int} time(s)', async function (this: ConformanceWorld, count: number) {
  // Every token request after the code exchange, including those a fault answered before reading them.
  assert.equal(
    (await this.provider.requests('token')).filter((request) => request.params.grant_type !== 'authorization_code')
      .length,
    count,
  );
});

When('her/his access token has expired', async function (this: ConformanceWorld) {
  // After the connect, only a clock can make it so (in-process, or a remote integration's "clock" hook).
  assert.ok(
    this.can('clock'),
    'her access token can expire after the connect only with a clock to move: tag the scenario @needs-clock',
  );
  await reachTokenState(this, this.people.subject, 'expired');
});

// ---- the access token a refresh replaces (contract 5.5, RFC 7009 2.1) ----

Given(
  "the provider's revocation of a refresh token leaves the grant's access tokens alive",
  async function (this: ConformanceWorld) {
    // The mock's default (`revocationScope: token`), set all the same: the scenario is about this provider.
    await this.provider.setRevocationScope('token');
  },
);

Given(
  "the provider's revocation of a refresh token ends the grant's access tokens, and the integration is told so",
  async function (this: ConformanceWorld) {
    // `grant`: oidc-provider's own behaviour, where revoking any token of a grant (an access token too) ends them all.
    await this.provider.setRevocationScope('grant');
    await this.inProcess.reconfigure({ PROVIDER_REVOCATION_SCOPE: 'grant' });
  },
);

/** Every token response the provider answered 200 in this scenario, code exchange first. */
async function tokenResponses(world: ConformanceWorld): Promise<RecordedRequest[]> {
  return (await world.provider.requests('token')).filter((request) => request.status === 200);
}

When(
  '{person} lists her/his databases twice, each time with an access token about to expire',
  async function (this: ConformanceWorld, person: Person) {
    const margin = this.sut.settings.refreshMarginSeconds;
    for (let time = 1; time <= 2; time += 1) {
      const before = refreshRequests(await this.provider.requests('token')).length;
      // The access token this refresh issues is about to expire in its turn: the next call refreshes again.
      await this.provider.tamperNextTokenResponse({
        kind: 'set-field',
        field: 'expires_in',
        value: Math.floor(margin / 2),
      });
      const answer = await callApi(this, person, '/api/databases');
      assert.equal(answer.statusCode, 200, `call ${time}: ${answer.statusCode} ${answer.body.slice(0, 300)}`);
      assert.equal(
        refreshRequests(await this.provider.requests('token')).length,
        before + 1,
        `call ${time} refreshed once`,
      );
    }
  },
);

Then(
  'the provider received the revocation of each access token a refresh replaced, at that refresh',
  async function (this: ConformanceWorld) {
    // One record, in arrival order: the code exchange, the first refresh, its revocation, the second, its revocation.
    const requests = await this.provider.requests();
    const answered = requests.filter((request) => request.endpoint === 'token' && request.status === 200);
    const accessTokens = answered.map((request) => request.issuedTokens[0] as string);
    assert.equal(accessTokens.length, 3, 'a code exchange and two refreshes');
    const issued = new Set(answered.flatMap((request) => request.issuedTokens));
    const sequence = requests
      .filter(
        (request) =>
          request === answered[1] ||
          request === answered[2] ||
          (request.endpoint === 'revocation' && issued.has(String(request.params.token))),
      )
      .map((request) =>
        request.endpoint === 'token'
          ? ['refresh', accessTokens.indexOf(request.issuedTokens[0] as string)]
          : [
              'revocation',
              accessTokens.indexOf(String(request.params.token)),
              request.params.token_type_hint,
              request.status,
            ],
      );
    // The newest access token is the one the connection holds: only the two it replaced are revoked, each at once.
    assert.deepEqual(sequence, [
      ['refresh', 1],
      ['revocation', 0, 'access_token', 200],
      ['refresh', 2],
      ['revocation', 1, 'access_token', 200],
    ]);
    for (const token of accessTokens.slice(0, 2))
      assert.equal((await this.provider.tokenState(token)).active, false, 'the provider ended it');
  },
);

Then(
  "no access token the provider issued for her/his connection works at the vendor's API",
  async function (this: ConformanceWorld) {
    const answered = await tokenResponses(this);
    assert.ok(answered.length >= 3, 'a code exchange and two refreshes issued access tokens');
    const resourceBase = await this.provider.resourceBaseUrl();
    const alive: string[] = [];
    for (const [index, request] of answered.entries()) {
      const accessToken = request.issuedTokens[0] as string;
      // What the provider knows of it (its own introspection, contract 10.2).
      if ((await this.provider.tokenState(accessToken)).active) alive.push(`#${index} active at the provider`);
      // A bearer token is also tried at the vendor's API as a thief would: it must answer 401. (A DPoP-bound one
      // would be refused without its key whatever its state, so only the provider's own record judges it.)
      if (request.dpopProof) continue;
      const answer = await got.get(`${resourceBase}/databases`, {
        headers: { authorization: `Bearer ${accessToken}` },
        throwHttpErrors: false,
      });
      if (answer.statusCode !== 401) alive.push(`#${index} answered ${answer.statusCode} by the vendor's API`);
    }
    assert.deepEqual(alive, [], 'access tokens (0: the code exchange, 1, 2: the refreshes) still usable');
  },
);
