/**
 * oidc-provider configured as the vendor. Every setting that hides client
 * bugs when left at its default is set here on purpose (see CONFORMANCE.md,
 * "oidc-provider settings that hide bugs unless set").
 */
import { randomBytes } from 'node:crypto';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { findAccount } from './accounts';
import { memoryAdapter, type MemoryStorage } from './adapter';
import { providerRoutes } from './endpoints';
import type { SigningKey } from './keys';
import { errorPage } from './pages';

/** The scopes the vendor knows; `databases:read` guards its resource API. */
export const supportedScopes = ['openid', 'profile', 'email', 'offline_access', 'databases:read'];

export interface ClientRegistration {
  readonly client_id: string;
  readonly client_secret: string;
  readonly redirect_uris: readonly string[];
}

export interface Lifetimes {
  /** Seconds. */
  readonly accessToken: number;
  readonly refreshToken: number;
  readonly authorizationCode: number;
}

export const defaultLifetimes: Lifetimes = { accessToken: 3600, refreshToken: 14 * 24 * 3600, authorizationCode: 60 };

export function clientMetadata(client: ClientRegistration): ClientMetadata {
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

export function providerConfiguration(options: {
  client: ClientRegistration;
  keys: readonly SigningKey[];
  storage: MemoryStorage;
  lifetimes: () => Lifetimes;
  /** Whether a refresh rotates the refresh token (on by default). */
  rotation: () => boolean;
}): Configuration {
  return {
    adapter: memoryAdapter(options.storage),
    clients: [clientMetadata(options.client)],
    findAccount,
    jwks: { keys: options.keys.map((key) => key.privateJwk) },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: providerRoutes,
    scopes: supportedScopes,
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    // Profile claims go into the ID token too, so the client can name the account.
    conformIdTokenClaims: false,
    responseTypes: ['code'],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
    features: {
      devInteractions: { enabled: false },
      // A client may revoke or introspect only the tokens issued to it.
      revocation: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: () => options.rotation(),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
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
      ctx.body = errorPage(String(out.error), out.error_description === undefined ? undefined : String(out.error_description));
    },
  };
}
