/**
 * The provider, through openid-client: discovery (cached once it worked),
 * every HTTP call with a timeout and retries only where they are safe, the
 * ID token's signature verified against the provider's JWKS, and
 * openid-client's errors turned into the contract's codes.
 */
import {
  compactVerify,
  createRemoteJWKSet,
  customFetch as joseFetch,
  decodeProtectedHeader,
  errors as jose,
} from 'jose';
import * as client from 'openid-client';

import { fapi2, fapi2Algorithms, privateKeyJwt } from './fapi2';
import { Problem, type ProblemCode } from './problems';
import { settings } from './settings';

const loopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * fetch for every provider call, each attempt with its own timeout. Reads
 * (discovery, JWKS, the vendor API) are retried after a network error, 429,
 * 502, 503 or 504; a refresh only after 429 or 503 (the provider did not
 * process it); a code exchange or a revocation never. A Retry-After over 10
 * seconds ends the retries.
 */
export const providerFetch = async (
  url: string,
  options: Omit<RequestInit, 'body'> & { body?: unknown },
): Promise<Response> => {
  const read = (options.method ?? 'GET') === 'GET';
  const retriable = read
    ? [429, 502, 503, 504]
    : String(options.body).includes('grant_type=refresh_token')
      ? [429, 503]
      : [];
  for (let attempt = 1; ; attempt += 1) {
    const signal = AbortSignal.timeout(settings.providerTimeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        ...options,
        signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal,
      } as RequestInit);
    } catch {
      // A read is tried again after a refused or reset connection, and
      // once after a timeout (the user waits at most twice).
      if (read && (signal.aborted ? attempt < 2 : attempt < 3)) continue;
      throw new Problem('provider_unavailable', 'the provider could not be reached in time');
    }
    const retryAfter = Number(response.headers.get('retry-after') ?? 0);
    if (!retriable.includes(response.status) || attempt >= 3 || !(retryAfter <= 10)) return response;
    await sleep(retryAfter > 0 ? retryAfter * 1000 : 50 * attempt);
  }
};

let discovered: { config: Promise<client.Configuration>; at: number } | undefined;

/**
 * The provider's configuration by discovery, cached for an hour; a
 * failure is not cached, so a provider that is back is found.
 */
export function configuration(): Promise<client.Configuration> {
  if (!discovered || discovered.at < Date.now() - 3600_000) {
    const config = discover().catch((error: unknown) => {
      if (discovered?.config === config) discovered = undefined;
      throw problemOf(error, 'discovery');
    });
    discovered = { config, at: Date.now() };
  }
  return discovered.config;
}

async function discover(): Promise<client.Configuration> {
  // Under FAPI 2.0: private_key_jwt. openid-client refuses an ID token of another algorithm than this one before
  // it hands over the response's tokens, which then cannot be revoked (contract 5.3); so under FAPI 2.0 it is
  // told any of the signing algorithms (oauth4webapi takes a list), and verifyIdToken holds the ID token to the
  // profile's own (PS256, ES256, EdDSA), with the tokens revoked when it refuses one.
  const idTokenAlgorithms = fapi2.enabled ? ['PS256', 'ES256', 'EdDSA', 'RS256'] : 'RS256';
  const config = await client.discovery(
    settings.issuer,
    settings.clientId,
    { id_token_signed_response_alg: idTokenAlgorithms as string },
    fapi2.enabled ? await privateKeyJwt() : client.ClientSecretBasic(settings.clientSecret),
    { [client.customFetch]: providerFetch, execute: loopback(settings.issuer) ? [client.allowInsecureRequests] : [] },
  );
  const metadata = config.serverMetadata();
  // http is allowed only on loopback, for every endpoint the document names; PKCE must offer S256.
  for (const [name, value] of Object.entries(metadata)) {
    if ((name.endsWith('endpoint') || name === 'jwks_uri') && typeof value === 'string') {
      const url = new URL(value);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback(url)))
        throw new Problem('provider_error', `the ${name} is not https`);
    }
  }
  if (metadata.code_challenge_methods_supported?.includes('S256') === false)
    throw new Problem('provider_error', 'the provider offers no PKCE S256');
  return config;
}

let keys: ReturnType<typeof createRemoteJWKSet> | undefined;

/** The JWKS, fetched as every provider call is; a failed fetch is the provider's fault, not the token's. */
const jwksFetch = async (url: string, options: RequestInit): Promise<Response> => {
  const response = await providerFetch(url, options);
  if (response.status === 429 || response.status >= 500)
    throw new Problem('provider_unavailable', `the JWKS answered ${response.status}`);
  if (response.status !== 200) throw new Problem('provider_error', `the JWKS answered ${response.status}`);
  return response;
};

/**
 * What openid-client leaves to the client, checked here (OpenID Connect Core
 * 3.1.3.7, docs/contract.md 5.4): the signature, RS256 only (under FAPI 2.0
 * PS256, ES256 or EdDSA only, contract 5.8), with the
 * provider's keys (openid-client skips it for a token from the token
 * endpoint, as the spec allows over TLS; an unknown key fetches the JWKS once
 * more); an audience of this client alone (openid-client trusts others when
 * `azp` names us); `azp`, when present, this client; `iat` not in the
 * future; `typ`, when present, a plain JWT; `sub` of 1 to 255 characters.
 */
export async function verifyIdToken(
  config: client.Configuration,
  idToken: string,
  claims: client.IDToken,
): Promise<void> {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const foreign =
    audiences.length !== 1 ||
    audiences[0] !== settings.clientId ||
    (claims.azp !== undefined && claims.azp !== settings.clientId);
  const typ = decodeProtectedHeader(idToken).typ;
  const future = claims.iat > Date.now() / 1000 + 30; // openid-client allows any iat; 30 s of clock skew here
  if (
    foreign ||
    future ||
    (typ !== undefined && typ.toUpperCase() !== 'JWT') ||
    typeof claims.sub !== 'string' ||
    !/^.{1,255}$/su.test(claims.sub)
  ) {
    throw new Problem('invalid_id_token', 'the ID token is not for this client, not an ID token, or names no account');
  }
  keys ??= createRemoteJWKSet(new URL(String(config.serverMetadata().jwks_uri)), {
    [joseFetch]: jwksFetch,
    cooldownDuration: 0,
    timeoutDuration: settings.providerTimeoutMs * 4,
  });
  try {
    await compactVerify(idToken, keys, { algorithms: fapi2.enabled ? [...fapi2Algorithms] : ['RS256'] });
  } catch (error) {
    if (error instanceof Problem) throw error;
    const forged = [
      jose.JWSSignatureVerificationFailed,
      jose.JWKSNoMatchingKey,
      jose.JWKSMultipleMatchingKeys,
      jose.JOSEAlgNotAllowed,
      jose.JWSInvalid,
    ];
    if (forged.some((kind) => error instanceof kind))
      throw new Problem('invalid_id_token', 'the ID token signature could not be verified');
    throw new Problem('provider_error', 'the provider published no usable keys');
  }
}

/** The causes of an error, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current !== undefined && chain.length < 5;
    current = (current as { cause?: unknown })?.cause
  )
    chain.push(current);
  return chain;
}

/** openid-client's error, as the contract's code; `step` says which call failed (`par`: a pushed request, FAPI 2.0). */
export function problemOf(error: unknown, step: 'discovery' | 'par' | 'code' | 'refresh'): Problem {
  const chain = causes(error);
  const problem = chain.find((e) => e instanceof Problem);
  if (problem instanceof Problem) return problem;
  const answered = (e: unknown) =>
    e instanceof client.ResponseBodyError || e instanceof client.WWWAuthenticateChallengeError;
  const response = chain
    .map((e) => (e instanceof Response ? e : answered(e) ? (e as { response: Response }).response : undefined))
    .find(Boolean);
  const status = response?.status;
  // An OAuth error the token endpoint answered, in its body or in WWW-Authenticate.
  const oauthError =
    error instanceof client.ResponseBodyError
      ? error.error
      : error instanceof client.WWWAuthenticateChallengeError
        ? error.cause[0]?.parameters.error
        : undefined;
  const code = ((): ProblemCode => {
    if (status === 429 || status === 503) return 'provider_unavailable';
    if (step === 'discovery') return status !== undefined && status >= 500 ? 'provider_unavailable' : 'provider_error';
    if (step === 'par') {
      if (oauthError === 'invalid_client') return 'invalid_client';
      return status !== undefined && status >= 400 && status < 500 ? 'pushed_authorization_refused' : 'provider_error';
    }
    if (status !== undefined && status >= 500) return step === 'code' ? 'provider_error' : 'provider_unavailable';
    if (oauthError === 'invalid_grant' || oauthError === 'invalid_client') return oauthError;
    if (oauthError !== undefined) return 'token_request_failed';
    if (status !== undefined && status !== 200) return step === 'code' ? 'provider_error' : 'provider_unavailable';
    // What is wrong with the token response itself carries its body; what is wrong with the ID token does not.
    const inResponse = response !== undefined || chain.some((e) => typeof e === 'object' && e !== null && 'body' in e);
    if (inResponse) return step === 'code' ? 'invalid_token_response' : 'provider_unavailable';
    return 'invalid_id_token';
  })();
  const retryAfter = response?.headers.get('retry-after') ?? undefined;
  return new Problem(
    code,
    `the provider's answer was refused (${code})`,
    code === 'provider_unavailable' && retryAfter ? { retryAfter } : {},
  );
}
