/**
 * Steps of features/mock-control.feature: a mock run alone (in this
 * process, its control API on), driven over HTTP by the remote provider
 * driver, and a bare OAuth client of its own that authorizes at the mock's
 * pages and redeems the code, so the mock's own behaviour is checked without
 * an integration in between.
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { After, Given, Then, When } from '@cucumber/cucumber';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CookieJar } from 'tough-cookie';

import type { MockProvider } from '../mock-provider';
import { Clock } from '../mock-provider/clock';
import { controlCalls } from '../mock-provider/control-table';
import { generateSigningKeys, type SigningKey } from '../mock-provider/keys';
import { resourceIndicatorOf } from '../mock-provider/resource-api';
import { projectRoot } from '../testkit/project-root';
import { got, type Response } from './support/http';
import { mockProviderModule } from './support/in-process-mock';
import { inProcessProvider } from './support/in-process-provider';
import type { KeyState, RemoteProvider } from './support/provider-driver';
import { connectRemoteProvider } from './support/remote-provider';

interface Tokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly id_token: string;
  readonly expires_in?: number;
}

const redirectUri = 'http://127.0.0.1:9/callback';
const clientId = 'mysql-integration';
const clientSecret = randomBytes(24).toString('base64url');
let keys: Promise<SigningKey[]> | undefined;
const http = got.extend({ throwHttpErrors: false, followRedirect: false });

/** One scenario's mock, its remote driver, and what the bare client got from it. */
class MockRun {
  readonly authorizations: Tokens[] = [];
  readonly pages: Response<string>[] = [];
  lastControl: Response<string> | undefined;
  readonly notes = new Map<string, unknown>();
  /** The clock of the integration this mock would serve: its own, moved with the mock's when time passes. */
  readonly integrationClock = new Clock();
  /** One browser for the scenario: a second authorization finds the provider session of the first. */
  private readonly jar = new CookieJar();

  private constructor(
    readonly mock: MockProvider,
    readonly remote: RemoteProvider,
  ) {}

  static async start(): Promise<MockRun> {
    keys ??= generateSigningKeys();
    const mock = await mockProviderModule().startMockProvider({
      client: { client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri] },
      keys: await keys,
      controlApi: true,
    });
    return new MockRun(mock, await connectRemoteProvider(mock.issuer));
  }

  get port(): string {
    return new URL(this.mock.issuer).port;
  }

  /** Authorize as a demo account through the mock's login (once a session) and consent pages, and redeem the code. */
  async authorize(username: string, password: string): Promise<Tokens> {
    const jar = this.jar;
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${this.mock.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid profile offline_access databases:read',
      prompt: 'consent',
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    let location = url.href;
    for (let step = 0; step < 12 && !location.startsWith(redirectUri); step += 1) {
      let response = await http.get(location, { cookieJar: jar });
      if (response.statusCode === 200) {
        this.pages.push(response);
        const action = new URL(/action="([^"]+)"/.exec(response.body)?.[1] ?? '', location).href;
        const form = /name="password"/.test(response.body) ? { username, password } : { decision: 'approve' };
        response = await http.post(action, { form, cookieJar: jar });
      }
      assert.ok(response.headers.location, `the mock answered ${response.statusCode} without a redirect`);
      location = new URL(response.headers.location, location).href;
    }
    const code = new URL(location).searchParams.get('code');
    assert.ok(code, `the mock sent the browser back with ${location}`);
    const tokens = await this.redeem({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    this.authorizations.push(tokens);
    return tokens;
  }

  async redeem(form: Record<string, string>): Promise<Tokens> {
    const response = await http.post(`${this.mock.issuer}/token`, { username: clientId, password: clientSecret, form });
    assert.equal(response.statusCode, 200, response.body);
    return JSON.parse(response.body) as Tokens;
  }

  async revoke(token: string): Promise<void> {
    const response = await http.post(`${this.mock.issuer}/token/revocation`, {
      username: clientId,
      password: clientSecret,
      form: { token },
    });
    assert.equal(response.statusCode, 200, response.body);
  }

  async active(token: string): Promise<boolean> {
    return (await this.remote.tokenState(token)).active;
  }

  token(index: number): Tokens {
    const tokens = this.authorizations[index];
    assert.ok(tokens, `authorization ${index + 1} happened`);
    return tokens;
  }

  /** A live access token of the first authorization's account and grant, made directly in the provider's store. */
  async forgeAccessToken(change: { audience?: string; clientId?: string }): Promise<string> {
    // On the mock's clock, as its own requests are (the token's iat and exp are the mock's).
    return this.mock.clock.run(() => this.forgeOnTheMocksClock(change));
  }

  private async forgeOnTheMocksClock(change: { audience?: string; clientId?: string }): Promise<string> {
    const genuine = await this.mock.provider.AccessToken.find(this.token(0).access_token);
    assert.ok(genuine);
    const client = await this.mock.provider.Client.find(clientId);
    assert.ok(client);
    const token = new this.mock.provider.AccessToken({
      accountId: genuine.accountId,
      client,
      grantId: genuine.grantId,
      gty: 'authorization_code',
      scope: genuine.scope ?? '',
    });
    if (change.audience) token.setAudience(change.audience);
    if (change.clientId) token.clientId = change.clientId;
    return token.save();
  }
}

const runs = new WeakMap<object, MockRun>();
/** A second mock of the scenario, in the same process. */
const seconds = new WeakMap<object, MockRun>();

function runOf(world: object): MockRun {
  const run = runs.get(world);
  assert.ok(run, 'the scenario started a mock run alone');
  return run;
}

After(async function (this: object) {
  for (const mocks of [runs, seconds]) {
    const run = mocks.get(this);
    if (!run) continue;
    mocks.delete(this);
    await run.mock.controls.reset({});
    await run.mock.close();
  }
});

Given('a mock run alone, driven through its control API', async function (this: object) {
  runs.set(this, await MockRun.start());
});

Given('the harness has changed every control of the mock', async function (this: object) {
  const { remote, mock } = runOf(this);
  await remote.failNext('token', { status: 503, times: 3 });
  await remote.setRateLimit('jwks', { limit: 0, windowSeconds: 60 });
  await remote.tamperNextTokenResponse({ kind: 'omit-field', field: 'expires_in' });
  const rotated = await remote.rotateSigningKey();
  await remote.withdrawKey(rotated.kid);
  await remote.serveSingleKeyWithoutKid();
  await remote.setLifetimes({ accessToken: 5, refreshToken: 10, authorizationCode: 2 });
  await remote.setRefreshTokenRotation(false);
  await remote.setSeparateGrants(false);
  await remote.setRevocationScope('grant');
  await remote.setResourceBasePath('/vendor/v1');
  await remote.bypassApiChecks(true);
  await remote.setModes({
    idTokenProfileClaims: true,
    userinfoSubject: 'another-account',
    revocationEndpoint: false,
    userinfoEndpoint: false,
  });
  await remote.advanceClock(3600);
  await remote.skewClock(-90);
  assert.equal((await http.get(`${mock.issuer}/jwks`)).statusCode, 429, 'the rate limit holds before the reset');
  assert.deepEqual(await remote.modes(), {
    separateGrants: false,
    revocationScope: 'grant',
    refreshTokenRotation: false,
    resourceBasePath: '/vendor/v1',
    dpopNonces: false,
    apiChecks: 'bypassed',
    idTokenProfileClaims: true,
    userinfoSubject: 'another-account',
    revocationEndpoint: false,
    userinfoEndpoint: false,
  });
});

When('the harness resets the mock', async function (this: object) {
  await runOf(this).remote.reset();
});

Then("the control API's own reset puts the clock back too", async function (this: object) {
  const run = runOf(this);
  assert.equal((await http.post(`${run.mock.issuer}/__control/reset`, { json: {} })).statusCode, 204);
  const clock = await run.remote.clock();
  assert.deepEqual([clock.advancedSeconds, clock.skewSeconds], [0, 0]);
});

Then('the mock is as it started, but for the time that has passed', async function (this: object) {
  const { remote, mock } = runOf(this);
  assert.deepEqual(await remote.requests(), [], 'the request log is empty');
  for (const endpoint of ['token', 'jwks', 'discovery'] as const) assert.equal(await remote.pendingFaults(endpoint), 0);
  assert.equal(await remote.pendingTamperings(), 0);
  assert.deepEqual(await remote.lifetimes(), {
    accessToken: 3600,
    refreshToken: 14 * 24 * 3600,
    authorizationCode: 60,
  });
  assert.deepEqual(await remote.modes(), {
    separateGrants: true,
    revocationScope: 'token',
    refreshTokenRotation: true,
    resourceBasePath: '/v1',
    dpopNonces: false,
    apiChecks: 'enforced',
    idTokenProfileClaims: false,
    userinfoSubject: 'account',
    revocationEndpoint: true,
    userinfoEndpoint: true,
  });
  const clock = await remote.clock();
  assert.deepEqual(
    [clock.advancedSeconds, clock.skewSeconds],
    [3600, 0],
    'the skew is gone; time that passed stays passed, as for a remote integration',
  );
  const configured = (await keys)?.map((key) => key.publicJwk.kid);
  assert.deepEqual(
    (await remote.keys()).map((key) => [key.kid, key.published]),
    configured?.map((kid) => [kid, true]),
  );
  const jwks = await http.get(`${mock.issuer}/jwks`);
  assert.equal(jwks.statusCode, 200, 'no rate limit any more');
  assert.deepEqual(
    (JSON.parse(jwks.body) as { keys: Array<{ kid?: string }> }).keys.map((key) => key.kid),
    configured,
  );
  assert.equal(await remote.resourceBaseUrl(), `${mock.issuer}/v1`);
});

Then(
  'a control call naming the mock {string} is answered {int}',
  async function (this: object, host: string, status: number) {
    const run = runOf(this);
    const response = await http.get(`${run.mock.issuer}/__control`, {
      headers: { host: host.replace('<port>', run.port) },
    });
    assert.equal(response.statusCode, status, response.body);
    if (status === 403) assert.equal((JSON.parse(response.body) as { error: string }).error, 'forbidden');
    else assert.equal((JSON.parse(response.body) as { issuer: string }).issuer, run.mock.issuer);
  },
);

When('the harness sends {} to the control {string}', async function (this: object, body: string, route: string) {
  const run = runOf(this);
  run.lastControl = await http.post(`${run.mock.issuer}/__control/${route}`, {
    body,
    headers: { 'content-type': 'application/json' },
  });
});

Then('the control is refused with {int} {string}', function (this: object, status: number, error: string) {
  const response = runOf(this).lastControl;
  assert.ok(response);
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const answer = JSON.parse(response.body) as { error: string; error_description: string };
  assert.equal(answer.error, error);
  assert.ok(answer.error_description.length > 0, 'it says what is wrong');
});

Then('the in-process driver refuses a tampering of the kind {string}', async function (this: object, kind: string) {
  const driver = inProcessProvider(runOf(this).mock);
  await assert.rejects(driver.tamperNextTokenResponse({ kind } as never), /invalid_union|Invalid/);
  assert.equal(await driver.pendingTamperings(), 0);
});

Then('the in-process driver refuses the resource base path {string}', async function (this: object, path: string) {
  const driver = inProcessProvider(runOf(this).mock);
  await assert.rejects(driver.setResourceBasePath(path));
  assert.equal((await driver.modes()).resourceBasePath, '/v1');
});

When('the harness rotates in a new signing key', async function (this: object) {
  const run = runOf(this);
  run.notes.set(
    'replaced',
    (await run.remote.keys()).find((key) => key.signing),
  );
  run.notes.set('rotated', await run.remote.rotateSigningKey());
});

When('the harness withdraws the RS256 key it replaced', async function (this: object) {
  const run = runOf(this);
  const replaced = run.notes.get('replaced') as KeyState;
  assert.equal((await run.remote.withdrawKey(replaced.kid)).published, false);
});

Then('the JWKS publishes the new key and the ES256 key, and not the withdrawn one', async function (this: object) {
  const run = runOf(this);
  const rotated = run.notes.get('rotated') as KeyState;
  const es256 = (await run.remote.keys()).find((key) => key.alg === 'ES256');
  const published = (
    JSON.parse((await http.get(`${run.mock.issuer}/jwks`)).body) as { keys: Array<{ kid: string }> }
  ).keys.map((key) => key.kid);
  assert.deepEqual(published, [rotated.kid, es256?.kid]);
  assert.ok(!published.includes((run.notes.get('replaced') as KeyState).kid));
});

Then('the next ID token is signed by the new key', async function (this: object) {
  const run = runOf(this);
  const tokens = await run.authorize('alice', 'wonderland');
  assert.equal(decodeProtectedHeader(tokens.id_token).kid, (run.notes.get('rotated') as KeyState).kid);
});

const yearSeconds = 365 * 24 * 3600;

When(
  'the harness asks for an ID token whose header says {string}, issued a year ahead, in a response without {string}',
  async function (this: object, typ: string, field: string) {
    await runOf(this).remote.tamperNextTokenResponse(
      { kind: 'id-token-typ', typ },
      { kind: 'id-token-times', issuedAtOffsetSeconds: yearSeconds },
      { kind: 'omit-field', field },
    );
  },
);

Then(
  'the next token response has an ID token whose header says {string}, issued a year ahead, and no {string}',
  async function (this: object, typ: string, field: string) {
    const run = runOf(this);
    const tokens = await run.authorize('alice', 'wonderland');
    assert.equal(decodeProtectedHeader(tokens.id_token).typ, typ);
    const ahead = Number(decodeJwt(tokens.id_token).iat) - Date.now() / 1000;
    assert.ok(Math.abs(ahead - yearSeconds) < 60, `iat is ${ahead} s ahead`);
    assert.ok(!(field in tokens), `${field} is left out`);
  },
);

Then('the token response after it is untouched', async function (this: object) {
  const run = runOf(this);
  const tokens = await run.authorize('alice', 'wonderland');
  assert.equal(decodeProtectedHeader(tokens.id_token).typ, undefined);
  assert.equal(tokens.expires_in, 3600);
});

Given('the mock reuses grants and revokes them whole', async function (this: object) {
  const { remote } = runOf(this);
  await remote.setSeparateGrants(false);
  await remote.setRevocationScope('grant');
});

Given('the mock revokes whole grants', async function (this: object) {
  await runOf(this).remote.setRevocationScope('grant');
});

Given(/^alice has authorized the client (once|twice) at the mock$/, async function (this: object, times: string) {
  const run = runOf(this);
  for (let index = 0; index < (times === 'once' ? 1 : 2); index += 1) await run.authorize('alice', 'wonderland');
});

When('alice authorizes the client once at the mock', async function (this: object) {
  await runOf(this).authorize('alice', 'wonderland');
});

Given('the mock holds its next discovery answer for a minute', async function (this: object) {
  await runOf(this).remote.failNext('discovery', { delayMs: 60_000 });
});

When(
  'a client asks for the discovery document, and the harness lets the held answer go',
  async function (this: object) {
    const run = runOf(this);
    const answer = http.get(`${run.mock.issuer}/.well-known/openid-configuration`);
    await run.remote.untilHeld('discovery');
    run.notes.set('released', await run.remote.releaseHeld('discovery'));
    run.notes.set('answer', await answer);
  },
);

Then(
  'the client gets the discovery document, and the mock let go of exactly one answer',
  async function (this: object) {
    const run = runOf(this);
    assert.equal(run.notes.get('released'), 1, 'one answer was held, and let go');
    const answer = run.notes.get('answer') as Response<string>;
    assert.equal(answer.statusCode, 200);
    assert.equal((JSON.parse(answer.body) as { issuer?: unknown }).issuer, run.mock.issuer);
    assert.equal(await run.remote.releaseHeld('discovery'), 0, 'nothing is held any more');
  },
);

When('the client revokes the second refresh token', async function (this: object) {
  const run = runOf(this);
  await run.revoke(run.token(1).refresh_token);
});

Then('the first access token and the first refresh token are still active', async function (this: object) {
  const run = runOf(this);
  assert.equal(await run.active(run.token(0).access_token), true);
  assert.equal(await run.active(run.token(0).refresh_token), true);
});

Then(/^the second access token is (still active|not active)$/, async function (this: object, state: string) {
  const run = runOf(this);
  assert.equal(await run.active(run.token(1).access_token), state === 'still active');
});

Then('the second refresh token is not', async function (this: object) {
  const run = runOf(this);
  assert.deepEqual(await run.remote.tokenState(run.token(1).refresh_token), { active: false });
});

Then('none of the four tokens is active', async function (this: object) {
  const run = runOf(this);
  for (const tokens of run.authorizations) {
    assert.equal(await run.active(tokens.access_token), false);
    assert.equal(await run.active(tokens.refresh_token), false);
  }
});

async function callResourceApi(run: MockRun, token: string, path = '/v1/databases'): Promise<Response<string>> {
  return http.get(`${run.mock.issuer}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

Then('the resource API answers 200 to her access token', async function (this: object) {
  const run = runOf(this);
  const state = await run.remote.tokenState(run.token(0).access_token);
  assert.deepEqual(
    [state.active, state.kind, state.username, state.clientId],
    [true, 'access_token', 'alice', clientId],
  );
  assert.equal((await callResourceApi(run, run.token(0).access_token)).statusCode, 200);
});

Then(
  /^it answers 401 "invalid_token" to a live token of hers (that names no audience|issued to another client)$/,
  async function (this: object, kind: string) {
    const run = runOf(this);
    const token = await run.forgeAccessToken(
      kind === 'that names no audience'
        ? {}
        : { audience: resourceIndicatorOf(run.mock.issuer), clientId: 'another-client' },
    );
    assert.equal((await run.remote.tokenState(token)).active, true, 'the provider holds it live');
    const response = await callResourceApi(run, token);
    assert.equal(response.statusCode, 401);
    assert.equal((JSON.parse(response.body) as { error: string }).error, 'invalid_token');
    assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/);
  },
);

When('the harness moves the resource API to {string}', async function (this: object, path: string) {
  const run = runOf(this);
  assert.equal(await run.remote.setResourceBasePath(path), `${run.mock.issuer}${path}`);
});

Then('the resource API answers 200 to her access token at {string}', async function (this: object, path: string) {
  const run = runOf(this);
  assert.equal((await callResourceApi(run, run.token(0).access_token, path)).statusCode, 200);
  assert.deepEqual(
    (await run.remote.requests('resource')).map((request) => request.path),
    [path],
  );
});

Then('the mock answers 404 to her access token at {string}', async function (this: object, path: string) {
  const run = runOf(this);
  assert.equal((await callResourceApi(run, run.token(0).access_token, path)).statusCode, 404);
});

Then('every login and consent page she saw forbids framing', function (this: object) {
  const { pages } = runOf(this);
  assert.deepEqual(
    pages.map((page) => (/name="password"/.test(page.body) ? 'login' : 'consent')),
    ['login', 'consent'],
  );
  for (const page of pages) {
    assert.equal(page.headers['content-security-policy'], "frame-ancestors 'none'");
    assert.equal(page.headers['x-frame-options'], 'DENY');
  }
});

When("the harness skews the mock's clock {int} seconds ahead", async function (this: object, seconds: number) {
  const run = runOf(this);
  run.notes.set('integration-start', run.integrationClock.now());
  await run.remote.skewClock(seconds);
});

Then(
  /^the mock's clock is (?:still )?(\d+) seconds ahead of the integration's$/,
  async function (this: object, seconds: string) {
    const run = runOf(this);
    const mockNow = Date.parse((await run.remote.clock()).now);
    const ahead = (mockNow - run.integrationClock.now()) / 1000;
    assert.ok(Math.abs(ahead - Number(seconds)) < 5, `the mock is ${ahead} s ahead`);
  },
);

// As World.timePasses does: the integration's clock and the mock's, each its own, move together.
When('the harness moves time {int} seconds forward', async function (this: object, seconds: number) {
  const run = runOf(this);
  run.integrationClock.advance(seconds * 1000);
  await run.remote.advanceClock(seconds);
});

Then("the integration's clock has moved {int} seconds", function (this: object, seconds: number) {
  const run = runOf(this);
  const moved = (run.integrationClock.now() - (run.notes.get('integration-start') as number)) / 1000;
  assert.ok(Math.abs(moved - seconds) < 5, `the integration's clock moved ${moved} s`);
});

Given('the harness has scripted {int} failures of the token endpoint', async function (this: object, times: number) {
  await runOf(this).remote.failNext('token', { status: 503, times });
});

When(
  'a request to reset the mock arrives as {string}, with the Origin {string} and the Sec-Fetch-Site {string}',
  async function (this: object, type: string, origin: string, site: string) {
    const run = runOf(this);
    const headers: Record<string, string> = { 'content-type': type };
    if (origin !== '(none)') headers.origin = origin === "(the mock's own)" ? new URL(run.mock.issuer).origin : origin;
    if (site !== '(none)') headers['sec-fetch-site'] = site;
    run.lastControl = await http.post(`${run.mock.issuer}/__control/reset`, {
      headers,
      body: type === 'application/json' ? '{}' : 'reset=now',
    });
  },
);

Then('the control is answered {int}', function (this: object, status: number) {
  const response = runOf(this).lastControl;
  assert.ok(response, 'a control was sent');
  assert.equal(response.statusCode, status, response.body);
});

Then(
  /^(?:(\d+) failures of the token endpoint are still scripted|no failure of the token endpoint is scripted any more)$/,
  async function (this: object, times: string | undefined) {
    assert.equal(await runOf(this).remote.pendingFaults('token'), Number(times ?? 0));
  },
);

Given('a second mock run alone beside it', async function (this: object) {
  seconds.set(this, await MockRun.start());
});

function secondOf(world: object): MockRun {
  const run = seconds.get(world);
  assert.ok(run, 'the scenario started a second mock');
  return run;
}

Given('alice has authorized the client once at each mock', async function (this: object) {
  await runOf(this).authorize('alice', 'wonderland');
  await secondOf(this).authorize('alice', 'wonderland');
});

When('{int} seconds pass for the first mock only', async function (this: object, seconds: number) {
  await runOf(this).remote.advanceClock(seconds);
});

Then(
  /^her access token from the (first|second) mock is (no longer active|still active)$/,
  async function (this: object, which: string, state: string) {
    const run = which === 'first' ? runOf(this) : secondOf(this);
    const token = await run.remote.tokenState(run.token(0).access_token);
    assert.equal(token.active, state === 'still active', `by the ${which} mock's clock`);
  },
);

Then("the second mock's clock has not moved", async function (this: object) {
  const clock = await secondOf(this).remote.clock();
  assert.deepEqual([clock.advancedSeconds, clock.skewSeconds], [0, 0]);
  assert.ok(Math.abs(Date.parse(clock.now) - Date.now()) < 5000, `the second mock's now is ${clock.now}`);
});

Then('the mock lists each control of its table, and nothing else', async function (this: object) {
  const about = await runOf(this).remote.about();
  assert.deepEqual(about.controls, [...controlCalls]);
});

/**
 * The calls of contract 10.2's table (its first column: `GET /__control/keys`, `` `GET`, `POST /__control/modes` ``).
 */
function contractCalls(): string[] {
  const contract = readFileSync(join(projectRoot, 'docs', 'contract.md'), 'utf8');
  const from = contract.split(/^### 10\.2 .*$/m)[1] ?? '';
  const section = from.split(/^#{1,3} /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      const cell = line.split('|')[1] ?? '';
      const path = /\/__control[a-z/-]*/.exec(cell)?.[0].replace(/\/$/, '') ?? '';
      return [...cell.matchAll(/\b(GET|POST|DELETE)\b/g)].map((match) => `${match[1]} ${path}`);
    });
}

Then('contract 10.2 lists each control of the table, and nothing else', function () {
  assert.deepEqual([...contractCalls()].sort(), [...controlCalls].sort());
});
