/**
 * Steps of the FAPI 2.0 features (features/fapi2-*.feature): the mock
 * restarted in its `fapi2` profile, our integration reconfigured for PAR,
 * private_key_jwt and DPoP, and what a thief holding a token without its key
 * gets. Those that restart our integration or read its store run in-process
 * only (@in-process); the others run against a remote integration that
 * declares SECURITY_PROFILE=fapi2 too (contract 5.8). The judge of the
 * fapi2 rerun is in support/security-profile-judge.ts.
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';
import { decodeJwt, decodeProtectedHeader, importJWK, type JWK, SignJWT } from 'jose';

import { loadConfig } from '../src/config';
import { openDpopKey } from '../src/crypto/sealed-dpop-key';
import { TokenCipher } from '../src/crypto/token-cipher';
import { errorCodes, isErrorCode } from '../src/errors';
import { dpopProof, generateDpopKey } from '../src/oauth/dpop';
import { expectedStatus } from './support/expected-status';
import { errorCodeOf } from './support/html-forms';
import { got, type Response } from './support/http';
import { startInProcessMock } from './support/in-process-mock';
import { assertRefused, stackFrame } from './support/outcomes';
import type { Person } from './support/people';
import { fapi2Environment, harnessCallsFromHere, newClientKey } from './support/security-profile';
import { authorizeAtProvider, callApi, connect, deliverCallback, startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

interface Fapi2State {
  stolen?: { accessToken: string; refreshToken?: string; proof?: string };
  answer?: Response<string>;
  startProblem?: string;
}

const fapi2 = new WeakMap<ConformanceWorld, Fapi2State>();
function stateOf(world: ConformanceWorld): Fapi2State {
  let state = fapi2.get(world);
  if (!state) {
    state = {};
    fapi2.set(world, state);
  }
  return state;
}

/** Check a refusal by our own table of codes (src/errors.ts): the code, its status, no stack. */
function assertRefusedWith(response: { statusCode: number; body: string } | undefined, code: string): void {
  assert.ok(response, 'no answer to check');
  assert.equal(
    errorCodeOf(response.body),
    code,
    `expected "${code}", got ${response.statusCode}: ${response.body.slice(0, 600)}`,
  );
  assert.ok(isErrorCode(code));
  assert.equal(response.statusCode, errorCodes[code].status);
  assert.doesNotMatch(response.body, stackFrame, 'no stack trace');
}

Given('the integration pushes its authorization requests', async function (this: ConformanceWorld) {
  await this.inProcess.reconfigure({ PUSHED_AUTHORIZATION_REQUESTS: 'true' });
});

Given(
  'the vendor runs the FAPI 2.0 profile, and the integration uses private_key_jwt and DPoP',
  async function (this: ConformanceWorld) {
    if (this.mode === 'remote') {
      // A remote integration declared it (SECURITY_PROFILE=fapi2, contract 5.8), and the mock runs its fapi2 profile.
      assert.equal(this.securityProfile, 'fapi2', 'the integration declares SECURITY_PROFILE=fapi2');
      const discovery = (await (await fetch(`${this.provider.issuer}/.well-known/openid-configuration`)).json()) as {
        require_pushed_authorization_requests?: boolean;
      };
      assert.equal(
        discovery.require_pushed_authorization_requests,
        true,
        'the mock runs its fapi2 profile (MOCK_PROFILE=fapi2)',
      );
      return;
    }
    const old = this.inProcessProvider.local;
    // A run in the fapi2 security profile started them so already.
    if (old.profile === 'fapi2') return;
    await old.close();
    this.provider = await startInProcessMock(old.client, {
      port: Number(new URL(old.issuer).port),
      profile: 'fapi2',
      store: this.storeKind,
    });
    this.clientKeys = [newClientKey('client-1')];
    await this.inProcess.reconfigure(fapi2Environment(this.clientKeys));
  },
);

Given('the vendor demands DPoP nonces', async function (this: ConformanceWorld) {
  await this.provider.setDpopNonces(true);
});

Given(
  "the provider's pushed authorization request endpoint will answer {int} {string}",
  async function (this: ConformanceWorld, status: number, error: string) {
    await this.provider.failNext('par', { status, error });
  },
);

Given(
  "the provider's pushed authorization request endpoint will answer {int} {string} to every request",
  async function (this: ConformanceWorld, status: number, error: string) {
    await this.provider.failNext('par', { status, error, times: 10 });
  },
);

Then(
  'the provider received one pushed authorization request, authenticated as {string}',
  async function (this: ConformanceWorld, method: string) {
    const pushed = await this.provider.requests('par');
    assert.equal(pushed.length, 1, 'one pushed request');
    const [request] = pushed;
    assert.equal(request?.status, 201);
    assert.equal(request?.clientId, this.provider.client.client_id);
    if (method === 'client_secret_basic') assert.equal(request?.authorizationScheme, 'Basic');
    else assert.ok(request?.clientAssertion, 'a client assertion');
    assert.equal(request?.params.code_challenge_method, 'S256');
    assert.ok(request?.params.state && request.params.nonce, 'state and nonce went in the back channel');
  },
);

Then(
  'her/his browser was sent to the provider with only the client id and the request URI',
  function (this: ConformanceWorld) {
    const person = this.people.subject;
    const url = new URL(person.authorizationUrl ?? '');
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(url.searchParams.get('request_uri') ?? '', /^urn:ietf:params:oauth:request_uri:/);
  },
);

When('{person} tries to start connecting', async function (this: ConformanceWorld, person: Person) {
  this.lastAnswer = await startConnecting(this, person);
  person.response = this.lastAnswer;
});

Then('she/he is refused by the integration with {string}', function (this: ConformanceWorld, code: string) {
  assertRefusedWith(this.lastAnswer, code);
});

// Any integration: a code of the contract's table (section 4.2), with the status the table gives it.
Then('she/he is refused by the integration with a stable code', function (this: ConformanceWorld) {
  const answer = this.lastAnswer;
  assert.ok(answer, 'no answer to check');
  const code = errorCodeOf(answer.body);
  assert.ok(
    code !== undefined && expectedStatus[code] !== undefined,
    `a code of the contract, got ${answer.statusCode}: ${answer.body.slice(0, 600)}`,
  );
  assertRefused(answer, code);
});

When(
  '{person} connects as {account} after {int} seconds at the provider',
  async function (this: ConformanceWorld, person: Person, account: string, seconds: number) {
    await startConnecting(this, person);
    await this.timePasses(seconds);
    await authorizeAtProvider(this, person, account).then(
      (url) => deliverCallback(this, person, url),
      () => undefined,
    );
  },
);

Then('the provider shows her/him that the request URI is no longer valid', function (this: ConformanceWorld) {
  const page = this.people.subject.providerPage;
  assert.match(page?.body ?? '', /invalid_request_uri/);
});

Then(
  'her/his connection is DPoP-bound, its key sealed at rest with the key {string}',
  async function (this: ConformanceWorld, kid: string) {
    const person = this.people.subject;
    const connection = await (await this.inProcess.storeForChecks()).findConnection(person.username);
    assert.ok(connection?.sealedDpopKey, 'a DPoP key is stored');
    assert.equal(TokenCipher.keyIdOf(connection.sealedDpopKey), kid);
    assert.doesNotMatch(connection.sealedDpopKey, /"d"|"kty"/, 'the key is not stored in the clear');
    const cipher = new TokenCipher(this.inProcess.config.tokenEncryptionKeys);
    const key = openDpopKey(cipher, connection);
    assert.throws(
      () => openDpopKey(cipher, { ...connection, userId: 'someone-else' }),
      'a sealed key is bound to its user',
    );
    const [tokenRequest] = (await this.provider.requests('token')).filter((request) => request.status === 200);
    assert.equal(
      decodeProtectedHeader(tokenRequest?.dpopProof ?? '').jwk?.x,
      key?.publicJwk.x,
      'the token request was proved with that key',
    );
  },
);

Then(
  'every request to the token endpoint and the vendor API carried a fresh DPoP proof',
  async function (this: ConformanceWorld) {
    const requests = (await this.provider.requests()).filter(
      (request) => request.endpoint === 'token' || request.endpoint === 'resource',
    );
    assert.ok(requests.length >= 2);
    const jtis = new Set<string>();
    for (const request of requests) {
      assert.ok(request.dpopProof, `a proof on ${request.endpoint}`);
      const claims = decodeJwt(request.dpopProof);
      assert.equal(decodeProtectedHeader(request.dpopProof).typ, 'dpop+jwt');
      assert.equal(claims.htm, request.method);
      assert.equal(claims.htu, `${this.provider.issuer}${request.path}`);
      assert.equal(typeof claims.iat, 'number');
      assert.ok(typeof claims.jti === 'string' && !jtis.has(claims.jti), 'a fresh jti');
      jtis.add(claims.jti);
      if (request.endpoint === 'resource') {
        assert.equal(request.authorizationScheme, 'DPoP');
        assert.equal(
          claims.ath,
          createHash('sha256')
            .update(request.bearerToken ?? '')
            .digest('base64url'),
          'ath is the hash of the token sent',
        );
      }
    }
  },
);

Then(
  'every client assertion was fresh, short-lived and addressed to the issuer',
  async function (this: ConformanceWorld) {
    const requests = (await this.provider.requests()).filter((request) => request.clientAssertion !== undefined);
    assert.ok(requests.length >= 2, 'PAR and the token request authenticated with assertions');
    const jtis = new Set<string>();
    for (const request of requests) {
      const assertion = String(request.clientAssertion);
      const claims = decodeJwt(assertion);
      assert.equal(claims.aud, this.provider.issuer);
      assert.equal(claims.iss, this.provider.client.client_id);
      assert.equal(claims.sub, this.provider.client.client_id);
      assert.ok(
        typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp - claims.iat <= 60,
        'exp at most 60 s after iat',
      );
      assert.ok(typeof claims.jti === 'string' && !jtis.has(claims.jti), 'a fresh jti');
      jtis.add(claims.jti);
      assert.equal(decodeProtectedHeader(assertion).kid, this.clientKeys[0]?.kid);
    }
  },
);

Then(
  'the integration publishes its public client keys at {string}, newest first',
  async function (this: ConformanceWorld, path: string) {
    const answer = await got(this.url(path), { throwHttpErrors: false, responseType: 'json' });
    assert.equal(answer.statusCode, 200);
    const keys = (answer.body as { keys: JWK[] }).keys;
    assert.deepEqual(
      keys.map((key) => key.kid),
      this.clientKeys.map((key) => key.kid),
    );
    for (const key of keys) assert.equal(key.d, undefined, 'no private part');
  },
);

Given(
  'a thief has copied her/his access token and refresh token, but not the key',
  async function (this: ConformanceWorld) {
    const { accessToken, refreshToken } = this.people.subject.tokensAtConnect;
    const [resourceCall] = (await this.provider.requests('resource')).filter((request) => request.status === 200);
    stateOf(this).stolen = { accessToken, refreshToken, proof: resourceCall?.dpopProof };
  },
);

/** The thief asks the vendor API for the databases from the harness's own host, with the headers it makes for that URL. */
async function thiefListsDatabases(
  world: ConformanceWorld,
  headersFor: (url: string) => Record<string, string> | Promise<Record<string, string>>,
): Promise<void> {
  await harnessCallsFromHere(world);
  const url = `${await world.provider.resourceBaseUrl()}/databases`;
  stateOf(world).answer = await got(url, { headers: await headersFor(url), throwHttpErrors: false });
}

When(
  'the thief calls the vendor API with the stolen access token as a bearer token',
  async function (this: ConformanceWorld) {
    await thiefListsDatabases(this, () => ({ authorization: `Bearer ${stateOf(this).stolen?.accessToken}` }));
  },
);

When(
  'the thief calls the vendor API with the stolen access token and a proof of a key of its own',
  async function (this: ConformanceWorld) {
    const accessToken = stateOf(this).stolen?.accessToken;
    // Issued now by the mock's clock, which a remote run may have moved on (contract 10.1): only the key is wrong.
    const issuedAt = Date.parse((await this.provider.clock()).now);
    await thiefListsDatabases(this, async (url) => ({
      authorization: `DPoP ${accessToken}`,
      dpop: await dpopProof(generateDpopKey(), { method: 'GET', url, accessToken }, issuedAt),
    }));
  },
);

When(
  'the thief replays the proof the integration sent with the stolen access token',
  async function (this: ConformanceWorld) {
    const stolen = stateOf(this).stolen;
    const proof = stolen?.proof;
    assert.ok(proof, 'a proof was captured');
    await thiefListsDatabases(this, () => ({ authorization: `DPoP ${stolen?.accessToken}`, dpop: proof }));
  },
);

When(
  'the thief redeems the stolen refresh token with a proof and an assertion of keys of its own',
  async function (this: ConformanceWorld) {
    await harnessCallsFromHere(this);
    const state = stateOf(this);
    const tokenEndpoint = `${this.provider.issuer}/token`;
    const proof = await dpopProof(
      generateDpopKey(),
      { method: 'POST', url: tokenEndpoint },
      Date.parse((await this.provider.clock()).now),
    );
    // The thief's own key, under the kid of the client's key: it does not verify.
    const key = newClientKey(this.clientKeys[0]?.kid ?? 'client-1');
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(this.provider.client.client_id)
      .setSubject(this.provider.client.client_id)
      .setAudience(this.provider.issuer)
      .setJti(randomBytes(16).toString('base64url'))
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 60)
      .sign(await importJWK(key, 'ES256'));
    state.answer = await got.post(tokenEndpoint, {
      headers: { dpop: proof },
      form: {
        grant_type: 'refresh_token',
        refresh_token: state.stolen?.refreshToken,
        client_id: this.provider.client.client_id,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      },
      throwHttpErrors: false,
    });
  },
);

Then('the vendor API refuses it with {int} {string}', function (this: ConformanceWorld, status: number, error: string) {
  const answer = stateOf(this).answer;
  assert.equal(answer?.statusCode, status, answer?.body);
  assert.match(String(answer?.headers['www-authenticate']), new RegExp(`error="${error}"`));
  assert.doesNotMatch(answer?.body ?? '', /wonderland_shop/);
});

Then('the token endpoint refuses it with {string}', function (this: ConformanceWorld, error: string) {
  const answer = stateOf(this).answer;
  assert.equal(answer?.statusCode, 400, answer?.body);
  assert.equal((JSON.parse(answer?.body ?? '{}') as { error?: string }).error, error);
});

When(
  '{person} lists her/his databases after the access token expired',
  async function (this: ConformanceWorld, person: Person) {
    await this.timePasses(3600);
    person.response = await callApi(this, person, '/api/databases');
    this.lastAnswer = person.response;
  },
);

Then(
  'the answers that demanded a nonce were each followed by one retry with it',
  async function (this: ConformanceWorld) {
    // The authorization server (at the PAR endpoint, when the pushed request carried a proof, or else at the token
    // endpoint) and the vendor API each keep nonces of their own; userinfo, asked at the connect for the account's name
    // (contract 5.3), keeps the vendor API's, so the first demand of a resource-server nonce may come from it.
    const requests = (await this.provider.requests()).filter((request) =>
      ['par', 'token', 'userinfo', 'resource'].includes(request.endpoint),
    );
    const demanded = requests.filter((request) => request.error === 'use_dpop_nonce');
    // A client may have its nonce before it is asked for (the DPoP-Nonce of an earlier answer, RFC 9449 8.2).
    assert.ok(demanded.length >= 1, 'a nonce was demanded');
    for (const request of requests.filter((candidate) => candidate.endpoint !== 'par' && candidate.status === 200))
      assert.equal(
        typeof decodeJwt(request.dpopProof ?? '').nonce,
        'string',
        `the proof ${request.endpoint} took carried a nonce`,
      );
    for (const request of demanded) {
      // The retry is the next request to the same endpoint (contract 5.8); the other endpoints' may come between.
      const sameEndpoint = requests.filter((candidate) => candidate.endpoint === request.endpoint);
      const next = sameEndpoint[sameEndpoint.indexOf(request) + 1];
      assert.ok(next, `a retry followed at ${request.endpoint}`);
      assert.equal(typeof decodeJwt(next.dpopProof ?? '').nonce, 'string', 'the retry carried the nonce');
      assert.equal(next.status, next.endpoint === 'par' ? 201 : 200, 'the retry succeeded');
    }
  },
);

/**
 * The next 10 answers of the endpoint each demand a nonce, a new one each time (RFC 9449 8 and 9): the token
 * endpoint's 400 and the vendor API's 401, each with its `DPoP-Nonce`. Far more than one retry needs.
 */
async function demandNewNonces(world: ConformanceWorld, endpoint: 'token' | 'resource'): Promise<void> {
  for (let answer = 0; answer < 10; answer += 1) {
    const nonce = `n-${randomBytes(8).toString('hex')}`;
    await world.provider.failNext(
      endpoint,
      endpoint === 'token'
        ? { status: 400, error: 'use_dpop_nonce', headers: { 'DPoP-Nonce': nonce } }
        : {
            status: 401,
            error: 'use_dpop_nonce',
            headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': nonce },
          },
    );
  }
}

Given('the vendor API will demand a new DPoP nonce on every request', async function (this: ConformanceWorld) {
  await demandNewNonces(this, 'resource');
});

Given('the token endpoint will demand a new DPoP nonce on every request', async function (this: ConformanceWorld) {
  await demandNewNonces(this, 'token');
});

Then(
  'the vendor API received exactly {int} requests from her/him',
  async function (this: ConformanceWorld, count: number) {
    assert.equal((await this.provider.requests('resource')).length, count);
  },
);

Then(
  'the vendor API received each access token at most twice: once, and once more with the nonce',
  async function (this: ConformanceWorld) {
    const calls = await this.provider.requests('resource');
    assert.ok(calls.length >= 2, `the demand was retried: ${calls.length} request(s)`);
    const byToken = new Map<string, typeof calls>();
    for (const call of calls)
      byToken.set(call.bearerToken ?? '', [...(byToken.get(call.bearerToken ?? '') ?? []), call]);
    for (const [token, sent] of byToken) {
      assert.ok(sent.length <= 2, `the token ...${token.slice(-8)} was sent ${sent.length} times`);
      const retry = sent[1];
      if (retry) assert.equal(typeof decodeJwt(retry.dpopProof ?? '').nonce, 'string', 'the retry carried a nonce');
    }
  },
);

// A refresh the token endpoint answered with a nonce demand is sent again with the nonce: that is the same refresh.
Then('the token endpoint received at most {int} refresh(es)', async function (this: ConformanceWorld, count: number) {
  const refreshes = (await this.provider.requests('token')).filter(
    (request) => request.params.grant_type === 'refresh_token' && request.error !== 'use_dpop_nonce',
  );
  assert.ok(refreshes.length <= count, `${refreshes.length} refreshes`);
});

Then('the token endpoint received exactly {int} requests', async function (this: ConformanceWorld, count: number) {
  assert.equal((await this.provider.requests('token')).length, count);
});

Given('the integration rotates its client key, the new key first', async function (this: ConformanceWorld) {
  this.clientKeys = [newClientKey('client-2'), ...this.clientKeys];
  await this.inProcess.reconfigure({ CLIENT_SIGNING_KEYS: JSON.stringify({ keys: this.clientKeys }) });
  await this.provider.clearRequests();
});

Given(
  'the integration replaces its client key with a new one {string}, keeping no older key',
  async function (this: ConformanceWorld, kid: string) {
    this.clientKeys = [newClientKey(kid)];
    await this.inProcess.reconfigure({ CLIENT_SIGNING_KEYS: JSON.stringify({ keys: this.clientKeys }) });
    await this.provider.clearRequests();
  },
);

Then(
  'the provider received {int} pushed authorization request(s), refused as {string}',
  async function (this: ConformanceWorld, count: number, error: string) {
    const pushed = await this.provider.requests('par');
    assert.deepEqual(
      pushed.map((request) => [request.status, request.error]),
      Array.from({ length: count }, () => [401, error]),
    );
  },
);

When('{person} reconnects as {account}', async function (this: ConformanceWorld, person: Person, account: string) {
  await this.provider.clearRequests();
  await connect(this, person, account);
});

Then(
  'the provider accepted assertions signed with the new key {string}',
  async function (this: ConformanceWorld, kid: string) {
    const token = (await this.provider.requests('token')).filter((request) => request.status === 200);
    assert.ok(token.length >= 1);
    for (const request of token) assert.equal(decodeProtectedHeader(String(request.clientAssertion)).kid, kid);
  },
);

/** The kid of the client assertion a recorded request authenticated with. */
const assertionKeyOf = (request: { clientAssertion: string | undefined }) =>
  decodeProtectedHeader(String(request.clientAssertion)).kid;

Then(
  'the provider refused the pushed request signed with the new key {string} as {string}, and accepted it signed with {string}',
  async function (this: ConformanceWorld, newKey: string, error: string, oldKey: string) {
    const pushed = await this.provider.requests('par');
    assert.deepEqual(
      pushed.map((request) => [assertionKeyOf(request), request.status, request.error]),
      [
        [newKey, 401, error],
        [oldKey, 201, undefined],
      ],
    );
  },
);

Then(
  'the provider accepted the token request signed with {string}',
  async function (this: ConformanceWorld, kid: string) {
    const token = await this.provider.requests('token');
    assert.deepEqual(
      token.map((request) => [assertionKeyOf(request), request.status]),
      [[kid, 200]],
    );
  },
);

When('someone replays the client assertion of her/his token request', async function (this: ConformanceWorld) {
  const [request] = (await this.provider.requests('token')).filter((candidate) => candidate.status === 200);
  const tokenEndpoint = `${this.provider.issuer}/token`;
  stateOf(this).answer = await got.post(tokenEndpoint, {
    form: {
      grant_type: 'refresh_token',
      refresh_token: 'anything',
      client_id: this.provider.client.client_id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: String(request?.clientAssertion),
    },
    throwHttpErrors: false,
  });
});

When('someone presents a client assertion that expired a minute ago', async function (this: ConformanceWorld) {
  const key = this.clientKeys[0] as JWK;
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(this.provider.client.client_id)
    .setSubject(this.provider.client.client_id)
    .setAudience(this.provider.issuer)
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt(now - 180)
    .setNotBefore(now - 180)
    .setExpirationTime(now - 60)
    .sign(await importJWK(key, 'ES256'));
  stateOf(this).answer = await got.post(`${this.provider.issuer}/token`, {
    form: {
      grant_type: 'refresh_token',
      refresh_token: 'anything',
      client_id: this.provider.client.client_id,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    },
    throwHttpErrors: false,
  });
});

Then('the provider refuses the client with {string}', function (this: ConformanceWorld, error: string) {
  const answer = stateOf(this).answer;
  assert.equal(answer?.statusCode, 401, answer?.body);
  assert.equal((JSON.parse(answer?.body ?? '{}') as { error?: string }).error, error);
});

When(
  'the integration starts with the client key setting {string}',
  async function (this: ConformanceWorld, value: string) {
    try {
      loadConfig({
        ...this.inProcess.environment,
        CLIENT_AUTH_METHOD: 'private_key_jwt',
        CLIENT_SIGNING_KEYS: value === '(none)' ? undefined : value,
      });
      stateOf(this).startProblem = '';
    } catch (error) {
      stateOf(this).startProblem = (error as Error).message;
    }
  },
);

Then('it refuses to start, saying {string}', function (this: ConformanceWorld, sentence: string) {
  const problem = stateOf(this).startProblem ?? '';
  assert.ok(problem.includes(sentence), `the problem says "${sentence}": ${problem}`);
  assert.doesNotMatch(problem, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(problem, /"d"\s*:/, 'no key quoted');
});

/** The JWS algorithms FAPI 2.0 allows (FAPI 2.0 Security Profile 5.4), as the feature names them. */
const fapi2Algorithms = ['PS256', 'ES256', 'EdDSA'];

Then(
  'every client assertion and DPoP proof the provider received was signed with PS256, ES256 or EdDSA',
  async function (this: ConformanceWorld) {
    const requests = await this.provider.requests();
    const signed = requests.flatMap((request) =>
      [request.clientAssertion, request.dpopProof].filter((jwt) => jwt !== undefined),
    );
    assert.ok(
      requests.some((request) => request.clientAssertion) && requests.some((request) => request.dpopProof),
      'the provider received client assertions and DPoP proofs',
    );
    for (const jwt of signed) {
      const { alg } = decodeProtectedHeader(jwt);
      assert.ok(fapi2Algorithms.includes(String(alg)), `signed with ${alg}`);
    }
  },
);

When(
  'the integration starts under FAPI 2.0 with the ID token algorithm setting {string}',
  async function (this: ConformanceWorld, value: string) {
    try {
      loadConfig({
        ...this.inProcess.environment,
        ...fapi2Environment(this.clientKeys),
        ID_TOKEN_SIGNED_RESPONSE_ALG: value === '(none)' ? undefined : value,
      });
      stateOf(this).startProblem = '';
    } catch (error) {
      stateOf(this).startProblem = (error as Error).message;
    }
  },
);

Given(
  "the provider's discovery document does not promise the {string} parameter",
  async function (this: ConformanceWorld, parameter: string) {
    assert.equal(parameter, 'iss', 'the promise of RFC 9207 is the one this step withdraws');
    const genuine = (await (await fetch(`${this.provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    const { authorization_response_iss_parameter_supported: promised, ...withoutPromise } = genuine;
    assert.equal(promised, true, 'the genuine document promises it');
    // From here on, the discovery requests on record are the integration's.
    await this.provider.clearRequests();
    await this.provider.failNext('discovery', { status: 200, body: JSON.stringify(withoutPromise) });
  },
);

Then(
  'the integration read the discovery document that does not promise {string}',
  async function (this: ConformanceWorld, _parameter: string) {
    assert.equal(await this.provider.pendingFaults('discovery'), 0, 'the altered discovery document was served');
    const fetched = await this.provider.requests('discovery');
    assert.equal(fetched.length, 1, 'the integration fetched discovery once, and kept that document');
  },
);

Given('the client key rotation window has passed', async function (this: ConformanceWorld) {
  await this.timePasses(this.inProcess.config.clientKeyRotationWindowSeconds + 60);
});

Given("the provider's copy of the integration's client keys has gone stale", async function (this: ConformanceWorld) {
  // The provider keeps /jwks.json for its max-age (60 s); well within the rotation window.
  const seconds = 90;
  assert.ok(seconds < this.inProcess.config.clientKeyRotationWindowSeconds, 'still within the rotation window');
  await this.timePasses(seconds);
});

Given(
  '{person} has reconnected as {account}, the provider accepting the new key {string}',
  async function (this: ConformanceWorld, person: Person, account: string, kid: string) {
    await this.provider.clearRequests();
    await connect(this, person, account);
    const authenticated = (await this.provider.requests()).filter(
      (request) => request.endpoint === 'par' || request.endpoint === 'token',
    );
    assert.deepEqual(
      authenticated.map((request) => [request.endpoint, assertionKeyOf(request), request.status]),
      [
        ['par', kid, 201],
        ['token', kid, 200],
      ],
    );
    await this.provider.clearRequests();
  },
);

Then(
  'the provider received {int} pushed authorization request(s), signed with {string} and refused as {string}',
  async function (this: ConformanceWorld, count: number, kid: string, error: string) {
    const pushed = await this.provider.requests('par');
    assert.deepEqual(
      pushed.map((request) => [assertionKeyOf(request), request.status, request.error]),
      Array.from({ length: count }, () => [kid, 401, error]),
    );
  },
);
