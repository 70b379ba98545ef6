/**
 * The provider profile's steps (features/provider/): each checks what a
 * provider must do and fails when it does not, or reports what it may choose
 * (facts.ts), never both for one fact. The sections cited are the features'.
 */
import assert from 'node:assert/strict';

import { Given, Then, When } from '@cucumber/cucumber';
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';

import { type Answer, DpopKey } from './provider-client';
import { reportFact } from './provider-report';
import { describeOutcome, type ProviderWorld, tokensOf } from './world';

const errorOf = (answer: Answer | undefined) =>
  typeof answer?.json?.error === 'string' ? answer.json.error : undefined;

/**
 * Whether a token is still good: introspection when offered (RFC 7662 2.2), else userinfo with it (OIDC Core 5.3.3).
 */
async function liveness(world: ProviderWorld, token: string, kind: 'access' | 'refresh'): Promise<string> {
  if (world.metadata.introspection_endpoint) {
    const answer = await world.client.introspect(token);
    if (answer.status === 200 && typeof answer.json?.active === 'boolean') return answer.json.active ? 'kept' : 'ended';
  }
  if (kind === 'access' && world.metadata.userinfo_endpoint) {
    const answer = await world.client.userinfo(token);
    if (answer.status === 200) return 'kept';
    if (answer.status === 401) return 'ended';
    return `unknown (userinfo answered ${answer.status})`;
  }
  if (kind === 'refresh') {
    const answer = await world.client.refresh(token);
    return answer.status === 200
      ? 'kept'
      : errorOf(answer) === 'invalid_grant'
        ? 'ended'
        : `unknown (${answer.status})`;
  }
  return 'unknown (no introspection or userinfo endpoint to ask)';
}

// Discovery (RFC 8414 3, OIDC Discovery 4)

Given("the provider's metadata", function (this: ProviderWorld) {
  assert.equal(this.discovery.status, 200, `discovery at ${this.discovery.url} answered ${this.discovery.status}`);
});

When("the client reads the provider's metadata", function (this: ProviderWorld) {
  assert.equal(this.discovery.status, 200, `discovery at ${this.discovery.url} answered ${this.discovery.status}`);
});

Then('it names the issuer exactly, with the endpoints of the code flow', function (this: ProviderWorld) {
  const m = this.metadata;
  reportFact('discovery.issuer', m.issuer === this.client.settings.issuer ? 'exact' : `names ${String(m.issuer)}`);
  assert.equal(m.issuer, this.client.settings.issuer, 'RFC 8414 3.3: the issuer must be identical to the one asked');
  for (const name of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const)
    assert.ok(typeof m[name] === 'string' && new URL(m[name]).href, `${name} missing`);
  const types = m.response_types_supported;
  assert.ok(Array.isArray(types) && types.includes('code'), 'response_types_supported lacks "code"');
});

Then('what it advertises is reported', function (this: ProviderWorld) {
  const m = this.metadata;
  reportFact('pkce.methods', (m.code_challenge_methods_supported ?? ['(not advertised)']).join(' '));
  reportFact(
    'iss.advertised',
    m.authorization_response_iss_parameter_supported === true ? 'advertised' : 'not advertised',
  );
  reportFact('revocation.endpoint', m.revocation_endpoint ? 'advertised' : 'not advertised');
  reportFact('userinfo.endpoint', m.userinfo_endpoint ? 'advertised' : 'not advertised');
  reportFact(
    'par.advertised',
    !m.pushed_authorization_request_endpoint
      ? 'not advertised'
      : m.require_pushed_authorization_requests
        ? 'required'
        : 'advertised, not required',
  );
  reportFact('dpop.advertised', m.dpop_signing_alg_values_supported?.length ? 'advertised' : 'not advertised');
  assert.ok(
    m.code_challenge_methods_supported === undefined || m.code_challenge_methods_supported.includes('S256'),
    'RFC 7636 4.2: S256 is mandatory to implement, and discovery lists methods without it',
  );
});

// The authorization request and response

When('the account authorizes the client with an S256 code challenge', async function (this: ProviderWorld) {
  await this.authorize({ pkce: 'S256' });
});
Given('the account authorized the client with an S256 code challenge', async function (this: ProviderWorld) {
  await this.authorize({ pkce: 'S256' });
  assert.ok(this.authorization?.response?.get('code'), describeOutcome(this.authorization));
});
When('the account authorizes the client without a code challenge', async function (this: ProviderWorld) {
  await this.authorize({ pkce: 'none' });
});
When('the account authorizes the client with a plain code challenge', async function (this: ProviderWorld) {
  await this.authorize({ pkce: 'plain' });
});
When('the account authorizes the client with a state of unusual characters', async function (this: ProviderWorld) {
  await this.authorize({ pkce: 'S256', state: 'a b+c/d=e?f&g%h~é' });
});
When(
  'the account authorizes the client with a redirect URI that extends the registered one',
  async function (this: ProviderWorld) {
    await this.authorize({ pkce: 'S256', redirectUri: `${this.client.settings.redirectUri}-elsewhere` });
  },
);

Then('the provider sends a code back that redeems with its code verifier', async function (this: ProviderWorld) {
  const answer = await this.client.redeem(this.code, this.authorization?.verifier);
  assert.equal(answer.status, 200, `the code exchange was answered ${answer.status} ${String(errorOf(answer))}`);
  assert.equal(typeof answer.json?.access_token, 'string');
});

/**
 * A request the provider refuses comes back as an error response with state (RFC 6749 4.1.2.1), or stops on its
 * page; one it takes gives a code that redeems (with the plain verifier: RFC 7636 4.6). Which one is reported.
 */
async function reportAcceptance(world: ProviderWorld, fact: 'pkce.required' | 'pkce.plain'): Promise<void> {
  const authorization = world.authorization;
  assert.ok(authorization);
  const { response, outcome } = authorization;
  if (response?.get('code')) {
    const verifier = authorization.request.pkce === 'none' ? undefined : authorization.verifier;
    const answer = await world.client.redeem(world.code, verifier);
    assert.equal(
      answer.status,
      200,
      `a code the provider gave was refused at the token endpoint: ${String(errorOf(answer))}`,
    );
    reportFact(fact, fact === 'pkce.required' ? 'optional' : 'accepted');
    if (fact === 'pkce.plain')
      assert.ok(
        !world.metadata.code_challenge_methods_supported ||
          world.metadata.code_challenge_methods_supported.includes('plain'),
        'plain was accepted, though discovery does not list it among code_challenge_methods_supported',
      );
    return;
  }
  if (response) {
    assert.equal(
      response.get('error'),
      'invalid_request',
      'RFC 7636 4.4.1: a missing or unsupported code_challenge is invalid_request',
    );
    assert.equal(response.get('state'), authorization.state, 'RFC 6749 4.1.2.1: the error response carries state');
  } else assert.equal(outcome.kind, 'page', describeOutcome(authorization));
  reportFact(fact, 'refused', describeOutcome(authorization));
}

Then("the provider's answer to a request without PKCE is reported", async function (this: ProviderWorld) {
  await reportAcceptance(this, 'pkce.required');
});
Then("the provider's answer to plain PKCE is reported", async function (this: ProviderWorld) {
  await reportAcceptance(this, 'pkce.plain');
});

When('the client redeems the code with a wrong code verifier', async function (this: ProviderWorld) {
  this.lastAnswer = await this.client.redeem(this.code, `${this.authorization?.verifier ?? ''}x`);
});
When('the client redeems the code without its code verifier', async function (this: ProviderWorld) {
  this.lastAnswer = await this.client.redeem(this.code, undefined);
});

Then('the token endpoint refuses it with invalid_grant', function (this: ProviderWorld) {
  assert.equal(this.lastAnswer?.status, 400, `answered ${String(this.lastAnswer?.status)}`);
  assert.equal(errorOf(this.lastAnswer), 'invalid_grant');
});
Then('the refusal is reported as the PKCE check', function (this: ProviderWorld) {
  reportFact('pkce.verifier', 'refused');
});

Then('the provider does not send the browser there', function (this: ProviderWorld) {
  const authorization = this.authorization;
  assert.ok(authorization);
  const sentThere = authorization.response !== undefined;
  reportFact(
    'redirect-uri.matching',
    sentThere
      ? 'sent there'
      : authorization.outcome.kind === 'page'
        ? 'refused on a page of its own'
        : 'sent elsewhere',
  );
  assert.ok(
    !sentThere,
    `RFC 9700 4.1.3, RFC 6749 4.1.2.1: the provider redirected to an unregistered URI (${describeOutcome(authorization)})`,
  );
});

Then('the response carries the same state', function (this: ProviderWorld) {
  const authorization = this.authorization;
  const response = authorization?.response;
  assert.ok(authorization && response && response.get('code'), describeOutcome(authorization));
  const echoed = response.get('state') === authorization.state;
  reportFact('state.echoed', echoed ? 'echoed' : 'changed or missing');
  assert.ok(echoed, 'RFC 6749 4.1.2: state must come back exactly as sent');
});

Then('iss names the issuer, and is there when discovery says so', function (this: ProviderWorld) {
  const response = this.authorization?.response;
  assert.ok(response && response.get('code'), describeOutcome(this.authorization));
  const iss = response.get('iss');
  reportFact('iss.returned', iss === null ? 'not returned' : 'returned');
  if (iss !== null) assert.equal(iss, this.metadata.issuer, 'RFC 9207 2: iss must be the issuer identifier');
  if (this.metadata.authorization_response_iss_parameter_supported === true)
    assert.notEqual(iss, null, 'RFC 9207 3: discovery advertises iss, and the response lacks it');
});

// Codes and tokens

Given('the client redeemed the code', async function (this: ProviderWorld) {
  const answer = await this.client.redeem(this.code, this.authorization?.verifier);
  assert.equal(answer.status, 200, `the code exchange was answered ${answer.status} ${String(errorOf(answer))}`);
  this.tokens = tokensOf(answer);
});
When('the client redeems the code', async function (this: ProviderWorld) {
  this.lastAnswer = await this.client.redeem(this.code, this.authorization?.verifier);
});
When('the client redeems the code again', async function (this: ProviderWorld) {
  this.lastAnswer = await this.client.redeem(this.code, this.authorization?.verifier);
  reportFact(
    'code.reuse',
    this.lastAnswer.status === 200
      ? 'accepted'
      : errorOf(this.lastAnswer) === 'invalid_grant'
        ? 'refused'
        : `refused with ${this.lastAnswer.status}, no OAuth error`,
  );
});

Then('what became of the first tokens is reported', async function (this: ProviderWorld) {
  const accessToken = this.tokens?.accessToken;
  assert.ok(accessToken);
  const access = await liveness(this, accessToken, 'access');
  const refresh = this.tokens?.refreshToken ? await liveness(this, this.tokens.refreshToken, 'refresh') : 'none issued';
  reportFact(
    'code.reuse.tokens',
    access === 'ended' ? 'revoked' : `kept`,
    `access token ${access}, refresh token ${refresh}`,
  );
});

Then('the token response says Cache-Control no-store', function (this: ProviderWorld) {
  assert.equal(this.lastAnswer?.status, 200, `the code exchange was answered ${String(this.lastAnswer?.status)}`);
  const cacheControl = this.lastAnswer.headers.get('cache-control') ?? '';
  reportFact(
    'token.no-store',
    /\bno-store\b/i.test(cacheControl) ? 'no-store' : `Cache-Control: ${cacheControl || '(none)'}`,
  );
  assert.match(cacheControl, /\bno-store\b/i, 'RFC 6749 5.1: a token response must carry Cache-Control: no-store');
});

Given('the client holds tokens with a refresh token', async function (this: ProviderWorld) {
  const tokens = await this.connect();
  reportFact('refresh.issued', tokens.refreshToken ? 'issued' : 'not issued', `scope asked: ${this.client.scope}`);
  if (!tokens.refreshToken)
    return this.skip(`the provider issued no refresh token for the scope "${this.client.scope}"`);
  return undefined;
});

When('the client refreshes them', async function (this: ProviderWorld) {
  assert.ok(this.tokens?.refreshToken);
  this.lastAnswer = await this.client.refresh(this.tokens.refreshToken);
  assert.equal(
    this.lastAnswer.status,
    200,
    `the refresh was answered ${this.lastAnswer.status} ${String(errorOf(this.lastAnswer))}`,
  );
});

Then(
  'whether the refresh token rotated is reported, and a rotated-out one is refused',
  async function (this: ProviderWorld) {
    const old = this.tokens?.refreshToken;
    const fresh = tokensOf(this.lastAnswer as Answer);
    assert.ok(old);
    const rotated = fresh.refreshToken !== undefined && fresh.refreshToken !== old;
    reportFact('refresh.rotation', rotated ? 'rotated' : 'not rotated');
    const again = await this.client.refresh(old);
    if (!rotated) {
      // Without rotation the same refresh token stays good (RFC 6749 6).
      assert.equal(again.status, 200, `the unrotated refresh token was refused: ${String(errorOf(again))}`);
      return;
    }
    reportFact('refresh.reuse', again.status === 200 ? 'accepted' : 'refused');
    assert.equal(again.status, 400, 'RFC 9700 4.14.2: a rotated-out refresh token must be refused');
    assert.equal(errorOf(again), 'invalid_grant');
    const newest = await liveness(this, fresh.refreshToken, 'refresh');
    reportFact('refresh.reuse.family', newest === 'ended' ? 'revoked' : newest);
  },
);

Given('the provider offers revocation', function (this: ProviderWorld) {
  if (!this.metadata.revocation_endpoint) return this.skip('discovery advertises no revocation_endpoint (RFC 8414 2)');
  return undefined;
});

When('the client revokes the refresh token', async function (this: ProviderWorld) {
  this.lastAnswer = await this.client.revoke(this.tokens?.refreshToken as string, 'refresh_token');
  assert.equal(this.lastAnswer.status, 200, `RFC 7009 2.2: revocation answered ${this.lastAnswer.status}`);
});
When('the client revokes the access token', async function (this: ProviderWorld) {
  this.lastAnswer = await this.client.revoke(this.tokens?.accessToken as string, 'access_token');
  assert.equal(this.lastAnswer.status, 200, `RFC 7009 2.2: revocation answered ${this.lastAnswer.status}`);
});

Then(
  'the refresh token is refused, and what became of the access token is reported',
  async function (this: ProviderWorld) {
    const refused = await this.client.refresh(this.tokens?.refreshToken as string);
    reportFact('revocation.refresh', refused.status === 200 ? 'accepted' : 'refused');
    assert.equal(
      errorOf(refused),
      'invalid_grant',
      `RFC 7009 2.1: a revoked refresh token was answered ${refused.status}`,
    );
    reportFact('revocation.refresh.access', await liveness(this, this.tokens?.accessToken as string, 'access'));
  },
);

Then('what became of the access token and the refresh token is reported', async function (this: ProviderWorld) {
  const access = await liveness(this, this.tokens?.accessToken as string, 'access');
  reportFact('revocation.access', access);
  reportFact('revocation.access.refresh', await liveness(this, this.tokens?.refreshToken as string, 'refresh'));
  assert.ok(!access.startsWith('unknown'), `whether the revoked access token still works could not be seen: ${access}`);
});

When('the client sends the token endpoint {tokenRequest}', async function (this: ProviderWorld, request: string) {
  const client = this.client;
  this.lastAnswer =
    request === 'an unknown code'
      ? await client.redeem('not-a-code-this-provider-issued', 'v'.repeat(43))
      : request === 'a wrong client secret'
        ? await client.token(
            { grant_type: 'authorization_code', code: 'c', redirect_uri: client.settings.redirectUri },
            { secret: `${client.settings.clientSecret}-wrong` },
          )
        : await client.token({ grant_type: 'urn:example:no-such-grant' });
});

Then('it answers {int} with the error {word}', function (this: ProviderWorld, status: number, error: string) {
  const answer = this.lastAnswer;
  assert.ok(answer);
  reportFact('token.error', `${answer.status} ${String(errorOf(answer))}`, `for the error ${error}`);
  assert.equal(
    errorOf(answer),
    error,
    // Never the body itself: a provider that wrongly answers 200 puts tokens there.
    `RFC 6749 5.2: answered ${answer.status} without the OAuth error ${error}`,
  );
  assert.equal(answer.status, status, 'RFC 6749 5.2');
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/, 'RFC 6749 5.2: the body is JSON');
  if (status === 401) assert.ok(answer.headers.get('www-authenticate'), 'RFC 6749 5.2: a 401 carries WWW-Authenticate');
  reportFact('token.error', 'as RFC 6749 5.2');
});

// The ID token and userinfo

// The identity scenarios ask for OpenID scopes only: userinfo takes an access token issued for it
// (OIDC Core 5.3), and an API scope may get one for the API's audience instead (RFC 8707 2).
Given('the client holds tokens', async function (this: ProviderWorld) {
  await this.connect(this.client.openIdScope);
});

Then(
  "the ID token is signed by a key of the provider's JWKS, for this client, from this issuer, with the nonce sent",
  async function (this: ProviderWorld) {
    const idToken = this.tokens?.idToken;
    assert.ok(idToken, 'OIDC Core 3.1.3.3: the token response of an openid request carries an id_token');
    const algorithms = this.metadata.id_token_signing_alg_values_supported?.filter((alg) => alg !== 'none');
    const { alg } = decodeProtectedHeader(idToken);
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(this.client.endpoint('jwks_uri'))), {
      issuer: this.metadata.issuer as string,
      audience: this.client.settings.clientId,
      ...(algorithms?.length ? { algorithms } : {}),
      requiredClaims: ['sub', 'iat', 'exp'],
    });
    reportFact('id-token.signature', `verifies (${String(alg)})`);
    assert.equal(payload.nonce, this.authorization?.nonce, 'OIDC Core 3.1.3.7 (11): the nonce sent');
    if (Array.isArray(payload.aud) && payload.aud.length > 1)
      assert.equal(payload.azp, this.client.settings.clientId, 'OIDC Core 3.1.3.7 (4, 5): azp with several audiences');
    this.idTokenClaims = payload;
  },
);

Then('the claims it carries are reported', function (this: ProviderWorld) {
  const claims = this.idTokenClaims as JWTPayload;
  const protocol = new Set([
    'iss',
    'sub',
    'aud',
    'exp',
    'iat',
    'nonce',
    'azp',
    'auth_time',
    'at_hash',
    'c_hash',
    'acr',
    'amr',
    'sid',
    'jti',
    'sid',
  ]);
  const profile = Object.keys(claims).filter((name) => !protocol.has(name));
  reportFact(
    'id-token.claims',
    claims.name !== undefined && claims.preferred_username !== undefined
      ? 'name and preferred_username in the ID token (conformIdTokenClaims: false)'
      : claims.name !== undefined
        ? 'name in the ID token'
        : 'no name in the ID token',
    `claims beyond the protocol's: ${profile.join(', ') || '(none)'}`,
  );
});

When('the client asks userinfo with the access token', async function (this: ProviderWorld) {
  if (!this.metadata.userinfo_endpoint) return this.skip('discovery advertises no userinfo_endpoint');
  this.lastAnswer = await this.client.userinfo(this.tokens?.accessToken as string);
  return undefined;
});

Then("userinfo's sub is the ID token's, and the claims it returns are reported", function (this: ProviderWorld) {
  const answer = this.lastAnswer;
  if (answer?.status !== 200)
    reportFact('userinfo.sub', `refused (${String(answer?.status)} ${String(errorOf(answer))})`);
  assert.equal(answer?.status, 200, `userinfo answered ${String(answer?.status)} ${String(errorOf(answer))}`);
  const idToken = this.tokens?.idToken;
  assert.ok(idToken);
  const { sub } = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string };
  reportFact('userinfo.sub', answer.json?.sub === sub ? "the ID token's" : 'another');
  assert.equal(answer.json?.sub, sub, "OIDC Core 5.3.2: userinfo's sub must equal the ID token's");
  const claims = Object.keys(answer.json ?? {}).filter((name) => name !== 'sub');
  reportFact(
    'userinfo.claims',
    answer.json?.name !== undefined ? 'name' : 'no name',
    `claims: ${claims.join(', ') || '(sub only)'}`,
  );
});

// PAR and DPoP, when discovery advertises them

Given('the provider advertises pushed authorization requests', function (this: ProviderWorld) {
  if (!this.metadata.pushed_authorization_request_endpoint)
    return this.skip('discovery advertises no pushed_authorization_request_endpoint (RFC 9126 5)');
  return undefined;
});
When('the account authorizes the client through a pushed authorization request', async function (this: ProviderWorld) {
  await this.authorize({ pkce: 'S256', pushed: true });
  reportFact('par.flow', this.authorization?.response?.get('code') ? 'works' : describeOutcome(this.authorization));
});

Given('the provider advertises DPoP', function (this: ProviderWorld) {
  if (!this.metadata.dpop_signing_alg_values_supported?.includes('ES256'))
    return this.skip('discovery advertises no DPoP algorithm this harness signs with (ES256; RFC 9449 5.1)');
  return undefined;
});
When('the client redeems a code with a DPoP proof', async function (this: ProviderWorld) {
  // OpenID scopes only: the token is then taken to userinfo (OIDC Core 5.3).
  await this.authorize({ pkce: 'S256', scope: this.client.openIdScope });
  this.dpop = await DpopKey.generate();
  this.lastAnswer = await this.client.redeem(this.code, this.authorization?.verifier, undefined, this.dpop);
  assert.equal(this.lastAnswer.status, 200, `answered ${this.lastAnswer.status} ${String(errorOf(this.lastAnswer))}`);
  this.tokens = tokensOf(this.lastAnswer);
});
Then('the access token is DPoP-bound, and userinfo takes it with a proof', async function (this: ProviderWorld) {
  const tokenType = String(this.lastAnswer?.json?.token_type);
  reportFact('dpop.bound', `token_type ${tokenType}`);
  assert.equal(tokenType.toLowerCase(), 'dpop', 'RFC 9449 5: a DPoP-bound access token has token_type DPoP');
  if (!this.metadata.userinfo_endpoint) return;
  const answer = await this.client.userinfo(this.tokens?.accessToken as string, this.dpop);
  assert.equal(
    answer.status,
    200,
    `userinfo refused the DPoP-bound token with its proof: ${answer.status} ${String(errorOf(answer))}`,
  );
});
