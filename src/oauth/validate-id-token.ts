/**
 * The ID token (OpenID Connect Core 3.1.3.7), checked in full before
 * anything is stored: the signature with the provider's JWKS and only the
 * registered algorithm (never `none`); `iss` exactly the issuer; `aud`
 * holding this client and no one else, `azp` (when present) this client;
 * `exp` in the future; `iat` and `sub` present; `nonce` the one we sent.
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { IntegrationError } from '../errors';
import type { ProviderMetadata } from './discovery';
import type { JwksCache } from './jwks';

export interface IdTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  readonly nonce: string;
  /** After the code exchange the `nonce` must be there; a refreshed ID token may leave it out (OpenID Connect Core 12.2). */
  readonly nonceRequired: boolean;
  readonly algorithm: string;
  readonly jwksUri: string;
  /** Epoch milliseconds. */
  readonly now: number;
  /** Seconds of clock skew tolerated on `exp` and `iat`. */
  readonly clockToleranceSeconds?: number;
}

/**
 * What an ID token from this provider to this client must say, for the code
 * exchange (`nonce` required) and a refresh (`nonce` optional) alike.
 */
export function idTokenExpectations(
  metadata: Pick<ProviderMetadata, 'issuer' | 'jwks_uri'>,
  client: { readonly clientId: string; readonly idTokenSignedResponseAlg: string },
  nonce: { readonly value: string; readonly required: boolean },
  now: number,
): IdTokenExpectations {
  return {
    issuer: metadata.issuer,
    clientId: client.clientId,
    nonce: nonce.value,
    nonceRequired: nonce.required,
    algorithm: client.idTokenSignedResponseAlg,
    jwksUri: metadata.jwks_uri,
    now,
  };
}

export interface IdTokenClaims extends JWTPayload {
  readonly sub: string;
  readonly name?: string;
  readonly email?: string;
}

function invalid(message: string, cause?: unknown): IntegrationError {
  return new IntegrationError('invalid_id_token', `ID token: ${message}`, { cause });
}

function explain(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (error instanceof errors.JWTExpired) return invalid('expired ("exp" claim)', error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalid(error.reason === 'missing' ? `missing "${error.claim}" claim` : `unexpected "${error.claim}" claim value`, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('unexpected JWS "alg" header value', error);
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('signature verification failed', error);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid('no single provider key matches the token', error);
  }
  return invalid('not a valid signed JWT', error);
}

export async function validateIdToken(idToken: string, jwks: JwksCache, expected: IdTokenExpectations): Promise<IdTokenClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, jwks.keyFor(expected.jwksUri), {
      algorithms: [expected.algorithm],
      issuer: expected.issuer,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      currentDate: new Date(expected.now),
      clockTolerance: expected.clockToleranceSeconds ?? 30,
    }));
  } catch (error) {
    throw explain(error);
  }

  // Only this client: an extra audience is one we do not trust (OpenID Connect Core 3.1.3.7, item 3).
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length === 0 || audiences.some((audience) => audience !== expected.clientId)) throw invalid('unexpected "aud" claim value');
  if (payload.azp !== undefined && payload.azp !== expected.clientId) throw invalid('unexpected "azp" claim value');
  if (payload.sub === '') throw invalid('missing "sub" claim');
  if (typeof payload.sub !== 'string') throw invalid('unexpected "sub" claim value');
  if (payload.nonce === undefined) {
    if (expected.nonceRequired) throw invalid('missing "nonce" claim');
  } else if (payload.nonce !== expected.nonce) {
    throw invalid('unexpected "nonce" claim value');
  }
  return payload as IdTokenClaims;
}
