/**
 * oidc-provider configured as the vendor. Every setting that hides client
 * bugs when left at its default is set here on purpose (docs/contract.md
 * says what the mock enforces).
 */
import { randomBytes } from 'node:crypto';

import { type ClientMetadata, type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';

import { accountFinder, scopeClaims } from './accounts';
import { memoryAdapter, type MemoryStorage } from './adapter';
import type { RevocationScope } from './controls';
import { providerRoutes } from './endpoints';
import type { SigningKey } from './keys';
import { errorPage } from './pages';

/** The scopes the vendor knows; `databases:read` and `databases:write` guard its resource API. */
export const supportedScopes = ['openid', 'profile', 'email', 'offline_access', 'databases:read', 'databases:write'];

/** The scopes of the resource API (its resource server's), as opposed to the OpenID ones (OIDC Core 5.4, 11). */
const resourceScopes = ['databases:read', 'databases:write'];

export interface ClientRegistration {
  readonly client_id: string;
  readonly client_secret: string;
  readonly redirect_uris: readonly string[];
  /** fapi2: where the client publishes its public keys (default: the redirect URI's origin + /jwks.json). */
  readonly jwks_uri?: string;
}

export interface Lifetimes {
  /** Seconds. */
  readonly accessToken: number;
  readonly refreshToken: number;
  readonly authorizationCode: number;
}

export const defaultLifetimes: Lifetimes = { accessToken: 3600, refreshToken: 14 * 24 * 3600, authorizationCode: 60 };

/**
 * The security profile the mock runs, fixed when it starts: `basic` (a
 * confidential client with client_secret_basic, bearer tokens), or `fapi2`
 * (oidc-provider's own FAPI 2.0 Security Profile: pushed authorization
 * requests required, DPoP-bound tokens, private_key_jwt with the client's keys
 * fetched from its `jwks_uri`, `iss` in every authorization response).
 */
export type SecurityProfile = 'basic' | 'fapi2';

/**
 * The algorithm the provider signs ID tokens with: RS256, or under fapi2
 * ES256 (FAPI 2.0 Security Profile 5.4 allows PS256, ES256 and EdDSA only).
 */
export function idTokenSigningAlgOf(profile: SecurityProfile): 'RS256' | 'ES256' {
  return profile === 'fapi2' ? 'ES256' : 'RS256';
}

/** What the fapi2 profile accepts and uses: FAPI 2.0 Security Profile 5.4 (no RS256, no HS256, never `none`). */
const fapi2Algorithms: Configuration['enabledJWA'] = {
  idTokenSigningAlgValues: ['ES256'],
  clientAuthSigningAlgValues: ['PS256', 'ES256', 'EdDSA'],
  dPoPSigningAlgValues: ['PS256', 'ES256', 'EdDSA'],
};

export function clientMetadata(client: ClientRegistration, profile: SecurityProfile = 'basic'): ClientMetadata {
  if (profile === 'fapi2') return fapi2ClientMetadata(client);
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    client_name: 'MySQL Integration',
    redirect_uris: [...client.redirect_uris],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  };
}

/**
 * The client registered for FAPI 2.0: no secret; its keys at `jwks_uri`
 * (the integration's origin + /jwks.json unless given).
 */
function fapi2ClientMetadata(client: ClientRegistration): ClientMetadata {
  const redirectUri = client.redirect_uris[0] ?? 'http://127.0.0.1/callback';
  return {
    client_id: client.client_id,
    client_name: 'MySQL Integration',
    redirect_uris: [...client.redirect_uris],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'ES256',
    jwks_uri: client.jwks_uri ?? new URL('/jwks.json', redirectUri).href,
    id_token_signed_response_alg: idTokenSigningAlgOf('fapi2'),
    require_pushed_authorization_requests: true,
    dpop_bound_access_tokens: true,
  };
}

export function providerConfiguration(options: {
  client: ClientRegistration;
  /** `basic` unless told: see SecurityProfile. */
  profile?: SecurityProfile;
  /** Whether the token endpoint and the resource API demand a DPoP nonce (fapi2 only). */
  dpopNonces?: () => boolean;
  keys: readonly SigningKey[];
  storage: MemoryStorage;
  lifetimes: () => Lifetimes;
  /** Whether a refresh rotates the refresh token (on by default). */
  rotation: () => boolean;
  /** Whether each consent makes a new grant rather than extending the account's grant for the client. */
  separateGrants: () => boolean;
  /** What revoking a token at the revocation endpoint ends: its whole grant, or only that token. */
  revocationScope: () => RevocationScope;
  /** The resource API's identifier: the default resource (RFC 8707) and the audience of its access tokens. */
  resourceIndicator: string;
  /** Whether the ID token carries the profile claims too (the mode `idTokenProfileClaims`; OIDC Core 5.4 says userinfo's). */
  idTokenProfileClaims: () => boolean;
}): Configuration {
  const fapi2 = options.profile === 'fapi2';
  return {
    adapter: memoryAdapter(options.storage),
    clients: [clientMetadata(options.client, options.profile)],
    findAccount: accountFinder(options.idTokenProfileClaims),
    jwks: { keys: options.keys.map((key) => key.privateJwk) },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: providerRoutes,
    scopes: supportedScopes,
    claims: Object.fromEntries(Object.entries(scopeClaims).map(([scope, claims]) => [scope, [...claims]])),
    // OIDC Core 5.4: with an access token issued, the profile claims are userinfo's, not the ID token's.
    // oidc-provider's own conformIdTokenClaims is fixed at start, and holds only for an access token
    // with no audience (an API's token, which its userinfo refuses, gets them in the ID token), so it
    // is off, and findAccount's claims decide, by the mode `idTokenProfileClaims` (accounts.ts).
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    enabledJWA: fapi2 ? fapi2Algorithms : { idTokenSigningAlgValues: ['RS256', 'ES256'] },
    features: {
      devInteractions: { enabled: false },
      // FAPI 2.0 (oidc-provider's own profile): PKCE and redirect_uri required, aud = issuer for client assertions.
      fapi: { enabled: fapi2, profile: '2.0' },
      // PAR is offered to every client (RFC 9126); under fapi2 it is the only way in.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: fapi2 },
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        requireNonce: () => fapi2 && (options.dpopNonces?.() ?? false),
      },
      // A client may revoke or introspect only the tokens issued to it.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      // Access tokens are for the resource API (its audience) whenever the request asks for one of
      // its scopes, whether the client names it or not (RFC 8707 2). They carry every scope granted,
      // OpenID ones included (as Auth0's API tokens do), so the token response's `scope` still says
      // what was granted. A request for OpenID scopes only, naming no `resource`, gets an access
      // token with no audience: the one userinfo takes (OIDC Core 5.3; contract 10.1).
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx, _client, oneOf) => {
          const scope = ctx.oidc.params?.scope;
          if (oneOf || typeof scope !== 'string') return options.resourceIndicator;
          const asked = scope.split(' ');
          return resourceScopes.some((name) => asked.includes(name)) ? options.resourceIndicator : undefined;
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== options.resourceIndicator) throw new errors.InvalidTarget();
          return { scope: supportedScopes.join(' '), audience: indicator, accessTokenFormat: 'opaque' };
        },
      },
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: () => options.rotation(),
    // oidc-provider's own loadExistingGrant, except that with separate grants
    // an earlier consent's grant is not reused: only the one this interaction made.
    loadExistingGrant: async (ctx) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId ??
        (options.separateGrants() ? undefined : ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? ''));
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    // oidc-provider's default, except that a revocation of one token never ends the grant itself
    // (the grant's other tokens are spared too, see adapter.ts).
    revokeGrantPolicy: (ctx) => {
      if (ctx.oidc.route !== 'revocation') return true;
      return options.revocationScope() === 'grant' && !ctx.oidc.entities.AccessToken;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // oidc-provider refuses to fetch from special-use addresses (SSRF protection); the mock's
    // client publishes its keys (jwks_uri, fapi2) on loopback, so the mock lets that through.
    fetch: (url, init) => globalThis.fetch(url, { ...init, dispatcher: undefined } as RequestInit),
    ttl: {
      AccessToken: () => options.lifetimes().accessToken,
      AuthorizationCode: () => options.lifetimes().authorizationCode,
      RefreshToken: () => options.lifetimes().refreshToken,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
    renderError: async (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(
        String(out.error),
        out.error_description === undefined ? undefined : String(out.error_description),
      );
    },
  };
}
