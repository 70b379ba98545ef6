/**
 * The provider, through openid-client: discovery (cached once it worked),
 * every HTTP call with a timeout and retries only where they are safe, the
 * ID token's signature verified against the provider's JWKS, and
 * openid-client's errors turned into the contract's codes.
 */
import * as client from 'openid-client';
import { compactVerify, createRemoteJWKSet, customFetch as joseFetch, errors as jose } from 'jose';
import { Problem, type ProblemCode } from './problems';
import { settings } from './settings';

const loopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * fetch for every provider call. Reads (discovery, JWKS, the vendor API) are
 * retried after a network error, 429, 502, 503 or 504; a refresh only after
 * 429 or 503 (the provider did not process it); a code exchange or a
 * revocation never. A Retry-After over 10 seconds ends the retries.
 */
export const providerFetch = async (url: string, options: Omit<RequestInit, 'body'> & { body?: unknown }): Promise<Response> => {
  const read = (options.method ?? 'GET') === 'GET';
  const retriable = read ? [429, 502, 503, 504] : String(options.body).includes('grant_type=refresh_token') ? [429, 503] : [];
  for (let attempt = 1; ; attempt += 1) {
    const signal = AbortSignal.timeout(settings.providerTimeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { ...options, signal: options.signal ? AbortSignal.any([options.signal, signal]) : signal } as RequestInit);
    } catch {
      if (read && attempt < 3) continue;
      throw new Problem('provider_unavailable', 'the provider could not be reached in time');
    }
    const retryAfter = Number(response.headers.get('retry-after') ?? 0);
    if (!retriable.includes(response.status) || attempt >= 3 || !(retryAfter <= 10)) return response;
    await sleep(retryAfter > 0 ? retryAfter * 1000 : 50 * attempt);
  }
};

let discovered: Promise<client.Configuration> | undefined;

/** The provider's configuration by discovery; a failure is not cached, so a provider that is back is found. */
export function configuration(): Promise<client.Configuration> {
  discovered ??= discover().catch((error: unknown) => {
    discovered = undefined;
    throw problemOf(error, 'discovery');
  });
  return discovered;
}

async function discover(): Promise<client.Configuration> {
  const config = await client.discovery(
    settings.issuer,
    settings.clientId,
    { id_token_signed_response_alg: 'RS256' },
    client.ClientSecretBasic(settings.clientSecret),
    { [client.customFetch]: providerFetch, execute: loopback(settings.issuer) ? [client.allowInsecureRequests] : [] },
  );
  // http is allowed only on loopback, for every endpoint the document names.
  for (const [name, value] of Object.entries(config.serverMetadata())) {
    if ((name.endsWith('endpoint') || name === 'jwks_uri') && typeof value === 'string') {
      const url = new URL(value);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback(url))) throw new Problem('provider_error', `the ${name} is not https`);
    }
  }
  return config;
}

let keys: ReturnType<typeof createRemoteJWKSet> | undefined;

/**
 * Verify the ID token's signature (RS256 only) with the provider's keys.
 * openid-client checks the claims but, per OpenID Connect Core 3.1.3.7,
 * leaves the signature of a token from the token endpoint unchecked; this
 * contract wants it checked. An unknown key fetches the JWKS once more.
 */
export async function verifyIdTokenSignature(config: client.Configuration, idToken: string): Promise<void> {
  keys ??= createRemoteJWKSet(new URL(String(config.serverMetadata().jwks_uri)), { [joseFetch]: providerFetch, cooldownDuration: 0 });
  try {
    await compactVerify(idToken, keys, { algorithms: ['RS256'] });
  } catch (error) {
    if (error instanceof Problem) throw error;
    if (error instanceof jose.JWKSInvalid || error instanceof jose.JWKSTimeout) throw new Problem('provider_error', 'the provider published no usable keys');
    throw new Problem('invalid_id_token', 'the ID token signature could not be verified');
  }
}

/** The causes of an error, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 5; current = (current as { cause?: unknown })?.cause) chain.push(current);
  return chain;
}

/** openid-client's error, as the contract's code; `step` says which call failed. */
export function problemOf(error: unknown, step: 'discovery' | 'code' | 'refresh'): Problem {
  const chain = causes(error);
  const problem = chain.find((e) => e instanceof Problem);
  if (problem instanceof Problem) return problem;
  const status = chain.map((e) => (e instanceof Response || e instanceof client.ResponseBodyError ? e.status : undefined)).find(Boolean);
  const code = ((): ProblemCode => {
    if (status === 429 || status === 503) return 'provider_unavailable';
    if (step === 'discovery') return status !== undefined && status >= 500 ? 'provider_unavailable' : 'provider_error';
    if (status !== undefined && status >= 500) return step === 'code' ? 'provider_error' : 'provider_unavailable';
    if (error instanceof client.ResponseBodyError) {
      return error.error === 'invalid_grant' || error.error === 'invalid_client' ? error.error : 'token_request_failed';
    }
    // What is wrong with the token response itself carries its body; what is wrong with the ID token does not.
    const inResponse = chain.some((e) => e instanceof Response || (typeof e === 'object' && e !== null && 'body' in e));
    if (inResponse) return step === 'code' ? 'invalid_token_response' : 'provider_unavailable';
    return 'invalid_id_token';
  })();
  return new Problem(code, `the provider's answer was refused (${code})`);
}
