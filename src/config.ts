/**
 * The integration's configuration: every key documented once, read from the
 * environment, validated at start with one sentence per problem. Strict by
 * default: outside loopback, plain HTTP is refused for the issuer and the
 * redirect URI.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseKeyRing, type KeyRing } from './crypto/key-ring';
import { fapi2Algorithms, parseClientKeyRing, type ClientKey } from './oauth/client-assertion';
import { defaultRateLimits, parseRateLimits, type RateLimits } from './http/rate-limits';
import { isSecureOrLoopback } from './http/secure-url';
import { parseProxyAddresses, type ProxyAddresses } from './identity/trusted-header';

export interface Config {
  /** The provider's issuer; everything else is found by discovery. */
  readonly issuer: string;
  readonly clientId: string;
  /** Empty with CLIENT_AUTH_METHOD=private_key_jwt when no secret is set. */
  readonly clientSecret: string;
  /** How the client authenticates at the token, revocation and PAR endpoints (RFC 6749 2.3, RFC 7523). */
  readonly clientAuthMethod: 'client_secret_basic' | 'private_key_jwt';
  /** The client's own signing keys, newest first (private_key_jwt); their public parts are served at /jwks.json. */
  readonly clientSigningKeys?: readonly ClientKey[];
  /** Push every authorization request (RFC 9126); it is pushed anyway when the provider requires it. */
  readonly pushedAuthorizationRequests: boolean;
  /** Sender-constrained tokens (RFC 9449): a DPoP key per connection, proofs on every token and API request. */
  readonly dpop: boolean;
  /**
   * The FAPI 2.0 Security Profile: on when PAR, DPoP and private_key_jwt all are. Then the ID token's algorithm
   * must be one FAPI 2.0 allows (RS256 is refused at start) and every callback must carry `iss` (contract 5.2, 5.4).
   */
  readonly fapi2: boolean;
  /** How long after this instance starts with a new client key an `invalid_client` may fall back to the older key (contract 5.3). */
  readonly clientKeyRotationWindowSeconds: number;
  /** Exactly as registered at the provider. */
  readonly redirectUri: string;
  /** Scopes asked for in every authorization request. */
  readonly scopes: readonly string[];
  /** Scopes asked for only when the user needs them (incremental authorization: `/connect?scope=`), never at the first connect. */
  readonly optionalScopes: readonly string[];
  /** Key ring for tokens at rest, newest key first. */
  readonly tokenEncryptionKeys: KeyRing;
  /** Secrets that sign the session cookie, newest first. */
  readonly sessionKeys: readonly string[];
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** The JWS algorithm registered for ID tokens (`id_token_signed_response_alg`). */
  readonly idTokenSignedResponseAlg: string;
  /** Timeout of every call to the provider, in milliseconds. */
  readonly providerTimeoutMs: number;
  /** How long a pending authorization stays usable, in seconds. */
  readonly pendingAuthorizationTtlSeconds: number;
  /** How long discovery metadata is cached, in seconds. */
  readonly discoveryTtlSeconds: number;
  /** The base URL of the vendor's resource API, its version included (`<issuer>/v1` by default); its path is kept. */
  readonly apiBaseUrl: string;
  /** Refresh an access token this many seconds before it expires. */
  readonly refreshMarginSeconds: number;
  /** How often queued revocations are retried, in seconds. */
  readonly revocationRetryIntervalSeconds: number;
  /** After this many failed attempts a queued revocation is given up (and logged). */
  readonly revocationMaxAttempts: number;
  /** The HTTP server: how long a request's headers, and a whole request, may take to arrive; how many connections at once. */
  readonly serverHeadersTimeoutMs: number;
  readonly serverRequestTimeoutMs: number;
  readonly serverMaxConnections: number;
  /** Attempts of a provider call where a retry is safe (1: no retries). */
  readonly providerRetryAttempts: number;
  readonly providerRetryBaseMs: number;
  readonly providerRetryMaxMs: number;
  /** A provider's Retry-After longer than this ends the retries at once. */
  readonly providerRetryAfterCapSeconds: number;
  /** Our own rate limits, per route group (per session; an address gets five times as much). */
  readonly rateLimits: RateLimits;
  /** The MySQL store; absent: the embedded in-memory store. */
  readonly mysqlUrl?: string;
  /** PEM certificates trusted for the provider instead of the system's (PROVIDER_CA_FILE). */
  readonly providerCa?: string;
  /** Behind a TLS-terminating proxy: trust X-Forwarded-Proto and X-Forwarded-For. */
  readonly trustProxy: boolean;
  /** Who the user is: the demo sign-in, or a header set by the host product's trusted proxy. Required: nothing is assumed. */
  readonly identity: IdentitySetting;
  /** The test hooks of contract 9.1 under /__test (TEST_HOOKS=true): only with HOST on loopback, never in production. */
  readonly testHooks: boolean;
}

export type IdentitySetting =
  | { readonly kind: 'demo' }
  | { readonly kind: 'trusted-header'; readonly header: string; readonly proxyAddresses: ProxyAddresses };

/** The environment the configuration is read from (every variable is documented in the README and `.env.example`). */
export type Environment = Record<string, string | undefined>;

/** An absolute URL, https: unless on loopback, with none of the parts `forbid` names. */
const secureUrl = (name: string, forbid: { query?: boolean }) =>
  z.string({ error: `${name} is required.` }).transform((value, ctx) => {
    const problem = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!URL.canParse(value)) return problem(`${name} must be an absolute URL.`);
    const url = new URL(value);
    if (!isSecureOrLoopback(url)) {
      return problem(`${name} must use https: (plain http: is allowed only on loopback addresses).`);
    }
    if (url.hash || value.includes('#')) return problem(`${name} must have no fragment.`);
    if (forbid.query && url.search) return problem(`${name} must have no query.`);
    return value;
  });

const integer = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? String(fallback) : value))
    .refine((value) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max, {
      error: `${name} must be a whole number from ${min} to ${max}.`,
    })
    .transform(Number);

/** HOST values that listen on this machine only (the test hooks are refused on any other; contract 9.1). */
const loopbackHost = (host: string | undefined) =>
  host === undefined || host === '' || host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** PAR, DPoP and private_key_jwt together: the FAPI 2.0 Security Profile (contract 5.4). */
const runsFapi2 = (value: { PUSHED_AUTHORIZATION_REQUESTS?: unknown; DPOP?: unknown; CLIENT_AUTH_METHOD?: unknown }) =>
  value.PUSHED_AUTHORIZATION_REQUESTS === true && value.DPOP === true && value.CLIENT_AUTH_METHOD === 'private_key_jwt';

const identityHeaderRequired = 'IDENTITY_HEADER is required with IDENTITY=trusted-header.';
const trustedProxiesRequired =
  'TRUSTED_PROXY_ADDRESSES is required with IDENTITY=trusted-header: the addresses of the proxies that set IDENTITY_HEADER, such as 127.0.0.1.';

const schema = z
  .object({
    ISSUER_URL: secureUrl('ISSUER_URL', { query: true }),
    CLIENT_ID: z.string({ error: 'CLIENT_ID is required.' }).min(1, { error: 'CLIENT_ID is required.' }),
    // Required with client_secret_basic (checked below, with CLIENT_AUTH_METHOD).
    CLIENT_SECRET: z.string().optional(),
    CLIENT_AUTH_METHOD: z
      .enum(['client_secret_basic', 'private_key_jwt'], {
        error: 'CLIENT_AUTH_METHOD must be client_secret_basic or private_key_jwt.',
      })
      .optional()
      .transform((value) => value ?? 'client_secret_basic'),
    CLIENT_SIGNING_KEYS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        const ring = parseClientKeyRing(value);
        if (typeof ring === 'string') {
          ctx.addIssue({ code: 'custom', message: `CLIENT_SIGNING_KEYS ${ring}` });
          return z.NEVER;
        }
        return ring;
      }),
    PUSHED_AUTHORIZATION_REQUESTS: z
      .enum(['true', 'false'], { error: 'PUSHED_AUTHORIZATION_REQUESTS must be true or false.' })
      .optional()
      .transform((value) => value === 'true'),
    DPOP: z
      .enum(['true', 'false'], { error: 'DPOP must be true or false.' })
      .optional()
      .transform((value) => value === 'true'),
    CLIENT_KEY_ROTATION_WINDOW_SECONDS: integer('CLIENT_KEY_ROTATION_WINDOW_SECONDS', 600, 0, 86_400),
    REDIRECT_URI: secureUrl('REDIRECT_URI', {}),
    SCOPES: z
      .string()
      .optional()
      .transform((value) => (value ?? 'openid profile offline_access databases:read').split(' ').filter(Boolean))
      .refine((scopes) => scopes.includes('openid'), { error: 'SCOPES must include "openid".' }),
    OPTIONAL_SCOPES: z
      .string()
      .optional()
      .transform((value) => (value ?? 'databases:write').split(' ').filter(Boolean))
      .refine((scopes) => scopes.every((scope) => /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(scope)), {
        error: 'OPTIONAL_SCOPES must be space-separated scope tokens (RFC 6749 3.3).',
      }),
    TOKEN_ENCRYPTION_KEYS: z.string({ error: 'TOKEN_ENCRYPTION_KEYS is required.' }).transform((value, ctx) => {
      const ring = parseKeyRing(value);
      if (typeof ring === 'string') {
        ctx.addIssue({ code: 'custom', message: `TOKEN_ENCRYPTION_KEYS: ${ring}` });
        return z.NEVER;
      }
      return ring;
    }),
    SESSION_KEYS: z
      .string({ error: 'SESSION_KEYS is required.' })
      .transform((value) => value.split(',').map((key) => key.trim()))
      .refine((keys) => keys.every((key) => key.length >= 32), {
        error: 'SESSION_KEYS must be comma-separated secrets of at least 32 characters each.',
      }),
    PORT: integer('PORT', 3000, 0, 65535),
    HOST: z
      .string()
      .optional()
      .transform((value) => value || '127.0.0.1'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.',
      })
      .optional()
      .transform((value) => value ?? 'info'),
    ID_TOKEN_SIGNED_RESPONSE_ALG: z
      .enum(['RS256', 'PS256', 'ES256', 'EdDSA'], {
        error: 'ID_TOKEN_SIGNED_RESPONSE_ALG must be one of RS256, PS256, ES256, EdDSA.',
      })
      .optional()
      .transform((value) => value ?? 'RS256'),
    PROVIDER_TIMEOUT_MS: integer('PROVIDER_TIMEOUT_MS', 5000, 100, 120_000),
    PENDING_AUTHORIZATION_TTL_SECONDS: integer('PENDING_AUTHORIZATION_TTL_SECONDS', 600, 30, 3600),
    // At least a minute: the cache is what keeps anonymous readiness checks off the provider (contract 3.6).
    DISCOVERY_TTL_SECONDS: integer('DISCOVERY_TTL_SECONDS', 3600, 60, 86_400),
    API_BASE_URL: secureUrl('API_BASE_URL', { query: true }).optional(),
    REFRESH_MARGIN_SECONDS: integer('REFRESH_MARGIN_SECONDS', 60, 0, 3600),
    REVOCATION_RETRY_INTERVAL_SECONDS: integer('REVOCATION_RETRY_INTERVAL_SECONDS', 30, 1, 86_400),
    REVOCATION_MAX_ATTEMPTS: integer('REVOCATION_MAX_ATTEMPTS', 20, 1, 1000),
    SERVER_HEADERS_TIMEOUT_MS: integer('SERVER_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    SERVER_REQUEST_TIMEOUT_MS: integer('SERVER_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
    SERVER_MAX_CONNECTIONS: integer('SERVER_MAX_CONNECTIONS', 1000, 1, 1_000_000),
    PROVIDER_RETRY_ATTEMPTS: integer('PROVIDER_RETRY_ATTEMPTS', 3, 1, 10),
    PROVIDER_RETRY_BASE_MS: integer('PROVIDER_RETRY_BASE_MS', 200, 1, 60_000),
    PROVIDER_RETRY_MAX_MS: integer('PROVIDER_RETRY_MAX_MS', 2000, 1, 300_000),
    PROVIDER_RETRY_AFTER_CAP_SECONDS: integer('PROVIDER_RETRY_AFTER_CAP_SECONDS', 10, 0, 3600),
    MYSQL_URL: z
      .string()
      .optional()
      .refine(
        (value) =>
          value === undefined ||
          (URL.canParse(value) && new URL(value).protocol === 'mysql:' && new URL(value).pathname.length > 1),
        {
          error: 'MYSQL_URL must look like mysql://user:password@host:3306/database.',
        },
      ),
    PROVIDER_CA_FILE: z
      .string()
      .optional()
      .transform((path, ctx) => {
        if (path === undefined) return undefined;
        let pem: string;
        try {
          pem = readFileSync(path, 'utf8');
        } catch {
          ctx.addIssue({ code: 'custom', message: `PROVIDER_CA_FILE: ${path} cannot be read.` });
          return z.NEVER;
        }
        if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
          ctx.addIssue({ code: 'custom', message: `PROVIDER_CA_FILE: ${path} holds no PEM certificate.` });
          return z.NEVER;
        }
        return pem;
      }),
    TRUST_PROXY: z
      .enum(['true', 'false'], { error: 'TRUST_PROXY must be true or false.' })
      .optional()
      .transform((value) => value === 'true'),
    IDENTITY: z.enum(['demo', 'trusted-header'], {
      error:
        'IDENTITY is required: "trusted-header" (the user id comes from IDENTITY_HEADER, set by your proxy) or "demo" (anyone may sign in as anyone: never in production).',
    }),
    IDENTITY_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'IDENTITY_HEADER must be a header name (letters, digits and "-").' })
      .optional(),
    TRUSTED_PROXY_ADDRESSES: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        const addresses = parseProxyAddresses(value);
        if (typeof addresses === 'string') {
          ctx.addIssue({ code: 'custom', message: addresses });
          return z.NEVER;
        }
        return addresses;
      }),
    RATE_LIMITS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const limits = parseRateLimits(value ?? defaultRateLimits);
        if (typeof limits === 'string') {
          ctx.addIssue({ code: 'custom', message: `RATE_LIMITS: ${limits}` });
          return z.NEVER;
        }
        return limits;
      }),
    TEST_HOOKS: z
      .enum(['true', 'false'], { error: 'TEST_HOOKS must be true or false.' })
      .optional()
      .transform((value) => value === 'true'),
  })
  // Checked even when other settings are wrong, so that every problem is listed at once.
  .refine((value) => String(value.TEST_HOOKS) !== 'true' || loopbackHost(value.HOST), {
    error:
      'TEST_HOOKS=true is refused unless HOST is a loopback address (127.0.0.1, ::1 or localhost): the test hooks move the clock and read the logs.',
    when: () => true,
  })
  .refine((value) => value.IDENTITY !== 'trusted-header' || value.IDENTITY_HEADER !== undefined, {
    error: identityHeaderRequired,
    when: () => true,
  })
  .refine((value) => value.IDENTITY !== 'trusted-header' || value.TRUSTED_PROXY_ADDRESSES !== undefined, {
    error: trustedProxiesRequired,
    when: () => true,
  })
  .refine((value) => value.CLIENT_AUTH_METHOD !== 'client_secret_basic' || value.CLIENT_SECRET !== undefined, {
    error: 'CLIENT_SECRET is required.',
    when: () => true,
  })
  .refine((value) => value.CLIENT_AUTH_METHOD !== 'private_key_jwt' || value.CLIENT_SIGNING_KEYS !== undefined, {
    error:
      "CLIENT_SIGNING_KEYS is required with CLIENT_AUTH_METHOD=private_key_jwt: a JSON Web Key Set of the client's private keys, newest first.",
    when: () => true,
  })
  // FAPI 2.0 Security Profile 5.4: PS256, ES256 or EdDSA only; RS256 (RSASSA-PKCS1-v1_5) is not allowed.
  .refine((value) => !runsFapi2(value) || fapi2Algorithms.some((alg) => alg === value.ID_TOKEN_SIGNED_RESPONSE_ALG), {
    error: `ID_TOKEN_SIGNED_RESPONSE_ALG must be one of ${fapi2Algorithms.join(', ')} with FAPI 2.0 (PUSHED_AUTHORIZATION_REQUESTS=true, DPOP=true and CLIENT_AUTH_METHOD=private_key_jwt): RS256 is not allowed there.`,
    when: () => true,
  });

function identitySetting(
  kind: 'demo' | 'trusted-header',
  header: string | undefined,
  proxyAddresses: ProxyAddresses | undefined,
): IdentitySetting {
  if (kind === 'demo') return { kind };
  // The schema refused these already; a trusted header without a name, or believed from anyone, must never start.
  if (header === undefined) throw new ConfigurationError([identityHeaderRequired]);
  if (proxyAddresses === undefined) throw new ConfigurationError([trustedProxiesRequired]);
  return { kind, header, proxyAddresses };
}

/** Thrown when the configuration is invalid; its message has one line per problem. */
export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigurationError';
  }
}

export function loadConfig(env: Environment): Config {
  // An empty variable counts as unset (as when .env.example is copied with blanks).
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) throw new ConfigurationError([...new Set(parsed.error.issues.map((issue) => issue.message))]);
  const value = parsed.data;
  return {
    issuer: value.ISSUER_URL,
    clientId: value.CLIENT_ID,
    clientSecret: value.CLIENT_SECRET ?? '',
    clientAuthMethod: value.CLIENT_AUTH_METHOD,
    clientSigningKeys: value.CLIENT_SIGNING_KEYS,
    pushedAuthorizationRequests: value.PUSHED_AUTHORIZATION_REQUESTS,
    dpop: value.DPOP,
    fapi2: runsFapi2(value),
    clientKeyRotationWindowSeconds: value.CLIENT_KEY_ROTATION_WINDOW_SECONDS,
    redirectUri: value.REDIRECT_URI,
    scopes: value.SCOPES,
    optionalScopes: value.OPTIONAL_SCOPES,
    tokenEncryptionKeys: value.TOKEN_ENCRYPTION_KEYS,
    sessionKeys: value.SESSION_KEYS,
    port: value.PORT,
    host: value.HOST,
    logLevel: value.LOG_LEVEL,
    idTokenSignedResponseAlg: value.ID_TOKEN_SIGNED_RESPONSE_ALG,
    providerTimeoutMs: value.PROVIDER_TIMEOUT_MS,
    pendingAuthorizationTtlSeconds: value.PENDING_AUTHORIZATION_TTL_SECONDS,
    discoveryTtlSeconds: value.DISCOVERY_TTL_SECONDS,
    // The resource API's base, its version included (its path is kept: requests go to <base>/databases).
    apiBaseUrl: value.API_BASE_URL ?? `${value.ISSUER_URL.replace(/\/$/, '')}/v1`,
    refreshMarginSeconds: value.REFRESH_MARGIN_SECONDS,
    revocationRetryIntervalSeconds: value.REVOCATION_RETRY_INTERVAL_SECONDS,
    revocationMaxAttempts: value.REVOCATION_MAX_ATTEMPTS,
    serverHeadersTimeoutMs: value.SERVER_HEADERS_TIMEOUT_MS,
    serverRequestTimeoutMs: value.SERVER_REQUEST_TIMEOUT_MS,
    serverMaxConnections: value.SERVER_MAX_CONNECTIONS,
    providerRetryAttempts: value.PROVIDER_RETRY_ATTEMPTS,
    providerRetryBaseMs: value.PROVIDER_RETRY_BASE_MS,
    providerRetryMaxMs: value.PROVIDER_RETRY_MAX_MS,
    providerRetryAfterCapSeconds: value.PROVIDER_RETRY_AFTER_CAP_SECONDS,
    rateLimits: value.RATE_LIMITS,
    mysqlUrl: value.MYSQL_URL,
    providerCa: value.PROVIDER_CA_FILE,
    trustProxy: value.TRUST_PROXY,
    identity: identitySetting(value.IDENTITY, value.IDENTITY_HEADER, value.TRUSTED_PROXY_ADDRESSES),
    testHooks: value.TEST_HOOKS,
  };
}
