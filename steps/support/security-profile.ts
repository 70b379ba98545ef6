/**
 * The security-profile dimension of a run (cucumber's worldParameters
 * `securityProfile`): `basic`, today's flow (client_secret_basic, bearer
 * tokens, the authorization request in the front channel), or `fapi2`, the
 * same scenarios against the mock's FAPI 2.0 profile (PAR required,
 * DPoP-bound tokens, private_key_jwt) with our integration configured for
 * PAR, private_key_jwt and DPoP. A remote integration declares its profile
 * (SECURITY_PROFILE, contract 2.2 and 5.8) and is then judged the same way,
 * at the mock: `judgeAtTheMock` below.
 */
import { strict as assert } from 'node:assert';
import { createHash, generateKeyPairSync } from 'node:crypto';

import {
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWK,
} from 'jose';

import type { Environment } from '../../src/config';

export type SecurityProfile = 'basic' | 'fapi2';

/** The profile a run's worldParameters name (`basic` unless `fapi2`). */
export function securityProfileOf(parameters: unknown): SecurityProfile {
  return (parameters as { securityProfile?: string } | undefined)?.securityProfile === 'fapi2' ? 'fapi2' : 'basic';
}

/** A client signing key as CLIENT_SIGNING_KEYS holds it: a private EC P-256 JWK with a kid. */
export function newClientKey(kid: string): JWK {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...(privateKey.export({ format: 'jwk' }) as JWK), kid };
}

/**
 * What our integration is configured with under FAPI 2.0: PAR,
 * private_key_jwt with these keys (newest first), DPoP, ES256 ID tokens.
 */
export function fapi2Environment(clientKeys: readonly JWK[]): Environment {
  return {
    PUSHED_AUTHORIZATION_REQUESTS: 'true',
    CLIENT_AUTH_METHOD: 'private_key_jwt',
    CLIENT_SIGNING_KEYS: JSON.stringify({ keys: clientKeys }),
    DPOP: 'true',
    // FAPI 2.0 Security Profile 5.4: not RS256. The mock's fapi2 profile signs its ID tokens with ES256.
    ID_TOKEN_SIGNED_RESPONSE_ALG: 'ES256',
  };
}

/**
 * The parameters of the authorization request a browser was sent with, as
 * the provider received them: in the authorization URL itself, or, when that
 * URL carries only `client_id` and a `request_uri` (PAR, RFC 9126 4), in the
 * pushed request the provider answered with that `request_uri`.
 */
export async function authorizationRequestParameters(
  provider: {
    requests(
      endpoint: 'par',
    ): Promise<
      readonly { readonly requestUri: string | undefined; readonly params: Readonly<Record<string, unknown>> }[]
    >;
  },
  authorizationUrl: string,
): Promise<URLSearchParams> {
  const inUrl = new URL(authorizationUrl).searchParams;
  const requestUri = inUrl.get('request_uri');
  if (requestUri === null) return inUrl;
  const pushed = (await provider.requests('par')).find((request) => request.requestUri === requestUri);
  if (!pushed) throw new Error(`the provider answered no pushed authorization request with ${requestUri}`);
  return new URLSearchParams(Object.entries(pushed.params).map(([name, value]) => [name, String(value)]));
}

/** The JWS algorithms FAPI 2.0 allows (FAPI 2.0 Security Profile 5.4). */
export const fapi2Algorithms: readonly string[] = ['PS256', 'ES256', 'EdDSA'];

/** What the judge reads of a request the mock recorded (mock-provider/request-log.ts). */
interface Recorded {
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly queryNames: readonly string[];
  readonly requestUri: string | undefined;
  readonly authorizationScheme: string | undefined;
  readonly bearerToken: string | undefined;
  readonly dpopProof: string | undefined;
  readonly clientAssertion: string | undefined;
  readonly issuedTokens: readonly string[];
  readonly error: string | undefined;
  readonly status: number;
}

/** The thumbprint of the key a DPoP proof was signed with, after checking the proof's form (RFC 9449 4.2). */
async function proofKeyOf(request: Recorded, issuer: string): Promise<string> {
  const where = `the ${request.method} ${request.path} (${request.endpoint})`;
  assert.ok(request.dpopProof, `${where} carried no DPoP proof`);
  const header = decodeProtectedHeader(request.dpopProof);
  const claims = decodeJwt(request.dpopProof);
  assert.equal(header.typ, 'dpop+jwt', `the proof on ${where} is typed dpop+jwt`);
  assert.ok(fapi2Algorithms.includes(String(header.alg)), `the proof on ${where} is signed with ${header.alg}`);
  assert.ok(header.jwk && (header.jwk as JWK).d === undefined, `the proof on ${where} names its public key`);
  await compactVerify(request.dpopProof, header.jwk).catch(() => assert.fail(`the proof on ${where} verifies`));
  assert.equal(claims.htm, request.method, `htm of the proof on ${where}`);
  assert.equal(claims.htu, `${issuer}${request.path}`, `htu of the proof on ${where}`);
  assert.ok(typeof claims.jti === 'string' && typeof claims.iat === 'number', `jti and iat in the proof on ${where}`);
  return calculateJwkThumbprint(header.jwk);
}

/** The members of a JWK that belong to a private or symmetric key (RFC 7518 6.2.2, 6.3.2, 6.4, RFC 8037 2). */
const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The keys the integration publishes at its `jwks_uri`: each with a `kid`, public members only (contract 5.8). */
function judgePublishedKeys(published: JSONWebKeySet): void {
  assert.ok(Array.isArray(published?.keys), 'the integration publishes a JSON Web Key Set: {"keys": [...]}');
  for (const [index, key] of published.keys.entries()) {
    assert.equal(typeof key.kid, 'string', `published key ${index + 1} has a kid`);
    const found = privateMembers.filter((member) => member in key);
    assert.deepEqual(found, [], `published key "${key.kid}" carries only public members, not ${found.join(', ')}`);
  }
}

/** The longest a client assertion may live, `exp` after `iat` (contract 5.8). */
const assertionLifetimeSeconds = 60;

/**
 * The FAPI 2.0 judge (contract 5.8): whatever a scenario of the fapi2 rerun
 * checks, the requests the mock received from the integration during it must
 * also show that
 * - the browser went to the authorization endpoint with only `client_id` and
 *   a `request_uri` the PAR endpoint had answered (RFC 9126 4);
 * - the PAR, token and revocation requests authenticated with
 *   private_key_jwt, never a secret, each assertion signed (PS256, ES256 or
 *   EdDSA) with a key published at the integration's `jwks_uri`, for this
 *   client and addressed to the issuer, living at most 60 s from `iat` to
 *   `exp` (RFC 7523 3);
 * - every key published there has a `kid` and only public members;
 * - every token request and every vendor API call carried a DPoP proof of
 *   the connection's key (the key the tokens it redeems or presents were
 *   issued to), `Authorization: DPoP` and `ath` on the API calls (RFC 9449
 *   4.2, 7.1), and no two code exchanges that were answered were proved
 *   with the same key (a key pair per connection);
 * - every answer that asked for a DPoP nonce was followed by a request to
 *   the same endpoint whose proof carried it (RFC 9449 8, 9).
 * `publishedKeys` are the keys the integration publishes. Answers how many
 * requests it judged.
 */
export async function judgeAtTheMock(
  requests: readonly Recorded[],
  context: { issuer: string; clientId: string; authorizationEndpoint: string; publishedKeys: JSONWebKeySet },
): Promise<number> {
  const { issuer, clientId } = context;
  const pars = requests.filter((request) => request.endpoint === 'par' && request.status === 201);
  const pushed = new Set(pars.map((request) => request.requestUri));
  const pushedStates = new Set(pars.map((request) => String(request.params.state)));
  judgePublishedKeys(context.publishedKeys);
  const published = createLocalJWKSet(context.publishedKeys);
  // The key each token was issued to: the proof's key on the token request that answered it.
  const keyOfToken = new Map<string, string>();
  // The key of each code exchange answered 200, by thumbprint: a connection's key is its own.
  const exchangeKeys = new Set<string>();
  let judged = 0;
  for (const [index, request] of requests.entries()) {
    if (
      request.endpoint === 'authorization' &&
      request.method === 'GET' &&
      request.path === new URL(context.authorizationEndpoint).pathname
    ) {
      const names = [...request.queryNames].sort();
      assert.deepEqual(
        names,
        ['client_id', 'request_uri'],
        `the browser came to the authorization endpoint with only client_id and request_uri, not ${names.join(', ')}`,
      );
      // oidc-provider reads the pushed request into the parameters (its
      // state); a fault read the query (its request_uri).
      const { request_uri: requestUri, state } = request.params;
      assert.ok(
        typeof requestUri === 'string' ? pushed.has(requestUri) : pushedStates.has(String(state)),
        'the authorization request it came with was the one pushed',
      );
      judged += 1;
    }
    // A request whose body the mock never read (the integration gave up waiting, or it was dropped) has no parameters.
    const bodyRead = Object.keys(request.params).length > 0;
    if (bodyRead && (request.endpoint === 'par' || request.endpoint === 'token' || request.endpoint === 'revocation')) {
      const where = `the ${request.endpoint} request`;
      assert.notEqual(request.authorizationScheme, 'Basic', `${where} authenticated with a secret`);
      assert.equal(request.params.client_secret, undefined, `${where} carried a client secret`);
      assert.ok(request.clientAssertion, `${where} carried no client assertion (private_key_jwt)`);
      const { alg, kid } = decodeProtectedHeader(request.clientAssertion);
      assert.ok(fapi2Algorithms.includes(String(alg)), `the client assertion of ${where} is signed with ${alg}`);
      await compactVerify(request.clientAssertion, published).catch(() =>
        assert.fail(`the client assertion of ${where} (kid ${kid}) is not signed with a key the integration publishes`),
      );
      const claims = decodeJwt(request.clientAssertion);
      assert.equal(claims.iss, clientId, `iss of the client assertion of ${where}`);
      assert.equal(claims.sub, clientId, `sub of the client assertion of ${where}`);
      assert.ok(
        ([] as unknown[]).concat(claims.aud).includes(issuer),
        `the client assertion of ${where} is for the issuer`,
      );
      assert.equal(typeof claims.jti, 'string', `jti in the client assertion of ${where}`);
      assert.ok(
        typeof claims.iat === 'number' && typeof claims.exp === 'number',
        `iat and exp in the client assertion of ${where}`,
      );
      const lifetime = claims.exp - claims.iat;
      assert.ok(
        lifetime > 0 && lifetime <= assertionLifetimeSeconds,
        `the client assertion of ${where} lives ${lifetime} s from iat to exp, not more than ${assertionLifetimeSeconds}`,
      );
      judged += 1;
    }
    if (request.endpoint === 'token') {
      const key = await proofKeyOf(request, issuer);
      const redeemed = typeof request.params.refresh_token === 'string' ? request.params.refresh_token : '';
      if (keyOfToken.has(redeemed))
        assert.equal(
          key,
          keyOfToken.get(redeemed),
          'a refresh was proved with the key its refresh token was issued to',
        );
      for (const token of request.issuedTokens) keyOfToken.set(token, key);
      if (request.params.grant_type === 'authorization_code' && request.status === 200) {
        assert.ok(
          !exchangeKeys.has(key),
          `two code exchanges were proved with the same DPoP key (thumbprint ${key}): a key pair per connection`,
        );
        exchangeKeys.add(key);
      }
    }
    if (request.endpoint === 'resource') {
      assert.equal(
        request.authorizationScheme,
        'DPoP',
        `the vendor API call ${request.method} ${request.path} is Authorization: DPoP`,
      );
      const key = await proofKeyOf(request, issuer);
      const claims = decodeJwt(request.dpopProof ?? '');
      assert.equal(
        claims.ath,
        createHash('sha256')
          .update(request.bearerToken ?? '')
          .digest('base64url'),
        `the proof on the vendor API call ${request.method} ${request.path} carries ath, the hash of the token it presents`,
      );
      const bound = keyOfToken.get(request.bearerToken ?? '');
      if (bound) assert.equal(key, bound, 'the vendor API call was proved with the key its access token was issued to');
      judged += 1;
    }
    // A demand for a nonce answered a proof without one: the next request to that endpoint carries it (one retry).
    if (request.error === 'use_dpop_nonce' && request.dpopProof && decodeJwt(request.dpopProof).nonce === undefined) {
      const retry = requests.slice(index + 1).find((next) => next.endpoint === request.endpoint);
      assert.ok(retry, `the ${request.endpoint} answer that asked for a DPoP nonce was followed by a retry`);
      assert.equal(
        typeof decodeJwt(retry.dpopProof ?? '').nonce,
        'string',
        `the ${request.endpoint} answer that asked for a DPoP nonce was followed by a proof carrying it`,
      );
    }
  }
  return judged;
}

/** How many requests the mock had received when the harness itself began to call it (a thief, a replay). */
const harnessFrom = new WeakMap<object, number>();

/**
 * From here on the harness calls the mock itself: the judge
 * (security-profile-judge.ts) looks only at the requests before.
 */
export async function harnessCallsFromHere(world: {
  readonly provider: { requests(): Promise<readonly unknown[]> };
}): Promise<void> {
  if (!harnessFrom.has(world)) harnessFrom.set(world, (await world.provider.requests()).length);
}

/** Where the harness's own calls began, if they did. */
export function harnessCallsFrom(world: object): number | undefined {
  return harnessFrom.get(world);
}
