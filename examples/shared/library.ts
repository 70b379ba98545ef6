/**
 * What a client library does for an integration of the library matrix
 * (docs/library-matrix.md): the authorization request, the callback's own
 * checks and the code exchange, the refresh, the revocation. Everything else
 * (sessions, the store, the routes, the pages, the vendor's API) is the
 * shared glue of this folder, the same for every library, and makes no OAuth
 * check of its own: whatever the library does not check stays unchecked.
 */
import type { Problem } from '../openid-client/problems';
import type { Connection } from '../openid-client/store';

/**
 * What the authorization request left for the callback: kept per browser
 * session, as the libraries' READMEs keep it in a cookie.
 */
export interface PendingAuthorization {
  readonly sessionId: string;
  readonly userId: string;
  /** The state sent, when the library (or its README) sends one. */
  readonly state?: string;
  readonly codeVerifier?: string;
  readonly nonce?: string;
  readonly scope: string;
  readonly returnTo: string;
  /** An upgrade (`/connect?scope=`): the account of the connection it upgrades (contract 3.7). */
  readonly expectedAccount?: { readonly issuer: string; readonly subject: string };
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** The ID token's claims the glue shows (contract 3.4): validated by the library, or read without any check. */
export interface AccountClaims {
  readonly iss?: unknown;
  readonly sub?: unknown;
  readonly name?: unknown;
  readonly email?: unknown;
}

/** A token response as the library handed it over. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds; undefined when the library says nothing. */
  readonly expiresAt?: number;
  readonly scope?: string;
  readonly idToken?: string;
  /** The ID token's claims when the library validated them; else the glue reads them unverified. */
  readonly claims?: AccountClaims;
}

/** The provider's answer to a failed call, as far as the library lets the application see it. */
export interface ProviderAnswer {
  readonly status?: number;
  /** The OAuth `error` of the body (RFC 6749 5.2). */
  readonly error?: string;
  readonly retryAfter?: string;
  /** No answer at all: a network error or a timeout. */
  readonly unreachable?: boolean;
}

export interface OAuthLibrary {
  /** The npm package, as the matrix names it. */
  readonly name: string;
  /** The provider's metadata at hand (for `/readyz`, contract 3.6). */
  ready(): Promise<void>;
  /** The authorization request: the URL the browser goes to, and what the callback will need. */
  authorizationRequest(
    scope: string,
    extra: Readonly<Record<string, string>>,
  ): Promise<{ url: URL; kept: Pick<PendingAuthorization, 'state' | 'codeVerifier' | 'nonce'> }>;
  /**
   * The callback (`url`, as the browser brought it) with the session's pending authorization: the library's own
   * checks, the code exchange. A state the library refused is thrown as StateRefused (the glue names it as
   * contract 5.2 does), another refusal as a Problem, a failed exchange as whatever the library throws.
   */
  callback(url: URL, pending: PendingAuthorization): Promise<Tokens>;
  refresh(connection: Connection): Promise<Tokens>;
  /** Revoke the connection's tokens (RFC 7009), as the library does it; absent when it cannot. */
  revoke?(connection: Connection): Promise<void>;
  /**
   * What the provider answered to a failed call, read from the library's
   * error; undefined when it was no answer of the provider.
   */
  answerOf(error: unknown): ProviderAnswer | undefined;
}

export type { Connection, Problem };

/** Thrown by a library's part when the library (or the callback its README teaches) refused the callback's state. */
export class StateRefused extends Error {
  constructor() {
    super('the state was refused');
  }
}
