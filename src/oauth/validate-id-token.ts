/**
 * The ID token (OpenID Connect Core 3.1.3.7), checked in full before
 * anything is stored: the signature with the provider's JWKS and only the
 * registered algorithm (never `none`); `iss` exactly the issuer; `aud`
 * holding this client and no one else, `azp` (when present) this client;
 * `exp` in the future, `iat` not in the future (the same tolerance); `sub`
 * a string of 1 to 255 characters (OpenID Connect Core 2: what the store
 * keeps); `nonce` the one we sent; a header `typ`, when present, naming a
 * plain JWT (an access token, `at+jwt`, or any other typed JWT is not an ID
 * token: RFC 8725 3.11).
 */
import type { JWTPayload } from 'jose';

import { IntegrationError } from '../errors';
import type { ProviderMetadata } from './discovery';
import { jose } from './jose';
import type { JwksCache } from './jwks';

export interface IdTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  readonly nonce: string;
  /**
   * After the code exchange the `nonce` must be there; a refreshed ID
   * token may leave it out (OpenID Connect Core 12.2).
   */
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
  const { errors } = jose();
  if (error instanceof errors.JWTExpired) return invalid('expired ("exp" claim)', error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalid(
      error.reason === 'missing' ? `missing "${error.claim}" claim` : `unexpected "${error.claim}" claim value`,
      error,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('unexpected JWS "alg" header value', error);
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('signature verification failed', error);
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid('no single provider key matches the token', error);
  }
  return invalid('not a valid signed JWT', error);
}

/** The longest `sub` OpenID Connect Core 2 allows, and the column that keeps it. */
export const maxSubjectLength = 255;

/** A header `typ` an ID token may carry: none, or a plain JWT. */
const plainJwt = /^(application\/)?jwt$/i;

export async function validateIdToken(
  idToken: string,
  jwks: JwksCache,
  expected: IdTokenExpectations,
): Promise<IdTokenClaims> {
  let payload: JWTPayload;
  let header: { typ?: string };
  const toleranceSeconds = expected.clockToleranceSeconds ?? 30;
  try {
    ({ payload, protectedHeader: header } = await jose().jwtVerify(idToken, jwks.keyFor(expected.jwksUri), {
      algorithms: [expected.algorithm],
      issuer: expected.issuer,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      currentDate: new Date(expected.now),
      clockTolerance: toleranceSeconds,
    }));
  } catch (error) {
    throw explain(error);
  }

  if (header.typ !== undefined && !plainJwt.test(header.typ)) throw invalid('unexpected JWT "typ" header value');
  // jose checks `iat` only against a maximum age: a token issued in the
  // future is refused here, with the tolerance of `exp`.
  if ((payload.iat as number) > expected.now / 1000 + toleranceSeconds) throw invalid('"iat" claim in the future');

  // Only this client: an extra audience is one we do not trust (OpenID Connect Core 3.1.3.7, item 3).
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length === 0 || audiences.some((audience) => audience !== expected.clientId))
    throw invalid('unexpected "aud" claim value');
  if (payload.azp !== undefined && payload.azp !== expected.clientId) throw invalid('unexpected "azp" claim value');
  if (payload.sub === '') throw invalid('missing "sub" claim');
  if (typeof payload.sub !== 'string' || payload.sub.length > maxSubjectLength)
    throw invalid('unexpected "sub" claim value');
  if (payload.nonce === undefined) {
    if (expected.nonceRequired) throw invalid('missing "nonce" claim');
  } else if (payload.nonce !== expected.nonce) {
    throw invalid('unexpected "nonce" claim value');
  }
  return payload as IdTokenClaims;
}
