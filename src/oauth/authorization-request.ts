/**
 * Step 1, the authorization request (RFC 6749 4.1.1, RFC 7636, OpenID
 * Connect Core 3.1.2.1). Fresh per attempt: `state` (256 bits), the PKCE
 * `code_verifier` (256 bits, S256 only) and `nonce` (256 bits). The URL
 * carries only the challenge; the verifier stays in the pending
 * authorization, never in a URL or the browser.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { PendingAuthorization } from '../store/store';

/** 32 random bytes, base64url: 43 characters, 256 bits. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export function codeChallengeS256(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export interface AuthorizationRequestInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly sessionId: string;
  readonly userId: string;
  readonly returnTo: string;
  /** An upgrade (contract 3.7): the account of the connection it upgrades, which the callback must find again. */
  readonly expectedAccount?: { readonly issuer: string; readonly subject: string };
  readonly now: number;
  readonly ttlSeconds: number;
}

export function createPendingAuthorization(input: AuthorizationRequestInput): PendingAuthorization {
  return {
    state: randomToken(),
    flowId: randomBytes(9).toString('base64url'),
    codeVerifier: randomToken(),
    nonce: randomToken(),
    sessionId: input.sessionId,
    userId: input.userId,
    issuer: input.issuer,
    redirectUri: input.redirectUri,
    scopes: [...input.scopes],
    returnTo: input.returnTo,
    ...(input.expectedAccount
      ? { expectedIssuer: input.expectedAccount.issuer, expectedSubject: input.expectedAccount.subject }
      : {}),
    createdAt: input.now,
    expiresAt: input.now + input.ttlSeconds * 1000,
  };
}

export function buildAuthorizationUrl(
  authorizationEndpoint: string,
  clientId: string,
  pending: PendingAuthorization,
): URL {
  const url = new URL(authorizationEndpoint);
  const scopes = pending.scopes;
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', pending.redirectUri);
  url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', codeChallengeS256(pending.codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  // Refresh tokens are issued only with consent (OpenID Connect Core 11).
  if (scopes.includes('offline_access')) url.searchParams.set('prompt', 'consent');
  return url;
}
