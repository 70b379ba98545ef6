/**
 * The integration's configuration: every key documented once, read from the
 * environment, validated at start with one sentence per problem. Strict by
 * default: outside loopback, plain HTTP is refused for the issuer and the
 * redirect URI.
 */
import { readFileSync } from 'node:fs';

import { z } from 'zod';

import { parseKeyRing } from './crypto/key-ring';
import { defaultRateLimits, parseRateLimits } from './http/rate-limits';
import { isSecureOrLoopback } from './http/secure-url';
import { parseProxyAddresses, type ProxyAddresses } from './identity/trusted-header';
import { fapi2Algorithms, parseClientKeyRing } from './oauth/client-assertion';

/**
 * What the integration runs with. Each field is the setting of the same name, typed from its schema entry
 * below, where the setting is described (`settingDocs`); only the fields derived from several are described here.
 */
export interface Config {
  readonly issuer: Settings['ISSUER_URL'];
  readonly clientId: Settings['CLIENT_ID'];
  /** CLIENT_SECRET; empty with CLIENT_AUTH_METHOD=private_key_jwt when no secret is set. */
  readonly clientSecret: string;
  readonly clientAuthMethod: Settings['CLIENT_AUTH_METHOD'];
  readonly clientSigningKeys?: Readonly<NonNullable<Settings['CLIENT_SIGNING_KEYS']>>;
  readonly pushedAuthorizationRequests: Settings['PUSHED_AUTHORIZATION_REQUESTS'];
  readonly dpop: Settings['DPOP'];
  /**
   * The FAPI 2.0 Security Profile: on when PAR, DPoP and private_key_jwt all are. Then the ID token's algorithm
   * must be one FAPI 2.0 allows (RS256 is refused at start) and every callback must carry `iss` (contract 5.2, 5.4).
   */
  readonly fapi2: boolean;
  readonly clientKeyRotationWindowSeconds: Settings['CLIENT_KEY_ROTATION_WINDOW_SECONDS'];
  readonly redirectUri: Settings['REDIRECT_URI'];
  readonly scopes: Readonly<Settings['SCOPES']>;
  readonly optionalScopes: Readonly<Settings['OPTIONAL_SCOPES']>;
  readonly tokenEncryptionKeys: Settings['TOKEN_ENCRYPTION_KEYS'];
  readonly sessionKeys: Readonly<Settings['SESSION_KEYS']>;
  readonly port: Settings['PORT'];
  readonly host: Settings['HOST'];
  readonly logLevel: Settings['LOG_LEVEL'];
  readonly idTokenSignedResponseAlg: Settings['ID_TOKEN_SIGNED_RESPONSE_ALG'];
  readonly providerTimeoutMs: Settings['PROVIDER_TIMEOUT_MS'];
  readonly pendingAuthorizationTtlSeconds: Settings['PENDING_AUTHORIZATION_TTL_SECONDS'];
  readonly discoveryTtlSeconds: Settings['DISCOVERY_TTL_SECONDS'];
  /** API_BASE_URL, or `<issuer>/v1` when it is unset. */
  readonly apiBaseUrl: string;
  readonly refreshMarginSeconds: Settings['REFRESH_MARGIN_SECONDS'];
  readonly revocationRetryIntervalSeconds: Settings['REVOCATION_RETRY_INTERVAL_SECONDS'];
  readonly revocationMaxAttempts: Settings['REVOCATION_MAX_ATTEMPTS'];
  readonly providerRevocationScope: Settings['PROVIDER_REVOCATION_SCOPE'];
  readonly serverHeadersTimeoutMs: Settings['SERVER_HEADERS_TIMEOUT_MS'];
  readonly serverRequestTimeoutMs: Settings['SERVER_REQUEST_TIMEOUT_MS'];
  readonly serverMaxConnections: Settings['SERVER_MAX_CONNECTIONS'];
  readonly providerRetryAttempts: Settings['PROVIDER_RETRY_ATTEMPTS'];
  readonly providerRetryBaseMs: Settings['PROVIDER_RETRY_BASE_MS'];
  readonly providerRetryMaxMs: Settings['PROVIDER_RETRY_MAX_MS'];
  readonly providerRetryAfterCapSeconds: Settings['PROVIDER_RETRY_AFTER_CAP_SECONDS'];
  readonly rateLimits: Settings['RATE_LIMITS'];
  readonly mysqlUrl?: Settings['MYSQL_URL'];
  /** The PEM certificates read from PROVIDER_CA_FILE. */
  readonly providerCa?: Settings['PROVIDER_CA_FILE'];
  readonly trustProxy: Settings['TRUST_PROXY'];
  /** IDENTITY, with IDENTITY_HEADER and TRUSTED_PROXY_ADDRESSES when it is trusted-header. */
  readonly identity: IdentitySetting;
  readonly testHooks: Settings['TEST_HOOKS'];
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

/** What the README's settings table and .env.example say of a setting (src/config-docs.ts renders them). */
export interface SettingDoc {
  /** What it is and does, in Markdown. */
  readonly description: string;
  /** Its value when unset, as written in the environment (checked: it must parse to what unset gives). */
  readonly default?: string;
  /** Without a default: what its absence means, in words ("required", "absent: ..."). */
  readonly unset?: string;
  /** The value .env.example shows, when not the default. */
  readonly example?: string;
}

/** Each setting's description, registered beside its schema entry: the one place a setting is described. */
export const settingDocs = z.registry<SettingDoc>();

const schema = z
  .object({
    ISSUER_URL: secureUrl('ISSUER_URL', { query: true }).register(settingDocs, {
      description:
        "The provider's issuer; everything else is found by discovery (`/.well-known/openid-configuration`), whose `issuer` must match exactly. No query, no fragment; `https:` unless on loopback.",
      unset: 'required',
      example: 'https://mysql-cloud.example',
    }),
    CLIENT_ID: z
      .string({ error: 'CLIENT_ID is required.' })
      .min(1, { error: 'CLIENT_ID is required.' })
      .register(settingDocs, {
        description: "The integration's registration at the provider.",
        unset: 'required',
        example: 'mysql-integration',
      }),
    // Required with client_secret_basic (checked below, with CLIENT_AUTH_METHOD).
    CLIENT_SECRET: z.string().optional().register(settingDocs, {
      description: "The client's secret (`client_secret_basic`); needed unless `CLIENT_AUTH_METHOD=private_key_jwt`.",
      unset: 'required with `client_secret_basic`',
    }),
    CLIENT_AUTH_METHOD: z
      .enum(['client_secret_basic', 'private_key_jwt'], {
        error: 'CLIENT_AUTH_METHOD must be client_secret_basic or private_key_jwt.',
      })
      .optional()
      .transform((value) => value ?? 'client_secret_basic')
      .register(settingDocs, {
        description:
          'How the client authenticates at the token, revocation and PAR endpoints: `client_secret_basic` (with `CLIENT_SECRET`) or `private_key_jwt` (RFC 7523, with `CLIENT_SIGNING_KEYS`; assertions with a fresh `jti`, 60 s `exp`, `aud` = the issuer, as FAPI 2.0 says).',
        default: 'client_secret_basic',
      }),
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
      })
      .register(settingDocs, {
        description:
          "With `private_key_jwt`: a JSON Web Key Set of the client's **private** keys, newest first, each with a `kid` (EC P-256, RSA or Ed25519). The newest signs; every key's public part is served at `GET /jwks.json` (register that URL as the client's `jwks_uri`). To rotate: put the new key first, keep the old one until the provider has fetched the new set (`/jwks.json` is served with `max-age=60`; a provider may keep its copy that long and refuse the new key meanwhile: a request it refuses as `invalid_client` is sent once more signed with the old key, which then signs for a minute, but only within `CLIENT_KEY_ROTATION_WINDOW_SECONDS` after the instance started with the new key, and never once the provider has accepted the new key; each such fallback is counted in `oauth_client_key_fallbacks_total`). A missing or unusable key stops the start with one sentence.",
        unset: 'none; required with `private_key_jwt`',
      }),
    PUSHED_AUTHORIZATION_REQUESTS: z
      .enum(['true', 'false'], { error: 'PUSHED_AUTHORIZATION_REQUESTS must be true or false.' })
      .optional()
      .transform((value) => value === 'true')
      .register(settingDocs, {
        description:
          "`true`: push every authorization request to the provider's PAR endpoint (RFC 9126) and send the browser with only `client_id` and `request_uri`. Done anyway when discovery says `require_pushed_authorization_requests`.",
        default: 'false',
      }),
    DPOP: z
      .enum(['true', 'false'], { error: 'DPOP must be true or false.' })
      .optional()
      .transform((value) => value === 'true')
      .register(settingDocs, {
        description:
          '`true`: sender-constrained tokens (RFC 9449): a key pair per connection, sealed at rest with its tokens; a proof on the token request, every refresh and every vendor API call; a token response whose `token_type` is not `DPoP` is refused (`token_not_dpop_bound`).',
        default: 'false',
      }),
    CLIENT_KEY_ROTATION_WINDOW_SECONDS: integer('CLIENT_KEY_ROTATION_WINDOW_SECONDS', 600, 0, 86_400).register(
      settingDocs,
      {
        description:
          'With `private_key_jwt`: how long after an instance starts with a new client key an `invalid_client` may be answered by signing with the older key (0: never), 0 to 86400. Longer than the provider keeps its copy of `/jwks.json`.',
        default: '600',
      },
    ),
    REDIRECT_URI: secureUrl('REDIRECT_URI', {}).register(settingDocs, {
      description:
        'Exactly as registered at the provider, e.g. `http://127.0.0.1:3000/callback`; no fragment; `https:` unless on loopback.',
      unset: 'required',
      example: 'https://app.example/callback',
    }),
    SCOPES: z
      .string()
      .optional()
      .transform((value) => (value ?? 'openid profile offline_access databases:read').split(' ').filter(Boolean))
      .refine((scopes) => scopes.includes('openid'), { error: 'SCOPES must include "openid".' })
      .register(settingDocs, {
        description:
          'Scopes asked for in every authorization request, space-separated; must include `openid`. `offline_access` asks for a refresh token.',
        default: 'openid profile offline_access databases:read',
      }),
    OPTIONAL_SCOPES: z
      .string()
      .optional()
      .transform((value) => (value ?? 'databases:write').split(' ').filter(Boolean))
      .refine((scopes) => scopes.every((scope) => /^[\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(scope)), {
        error: 'OPTIONAL_SCOPES must be space-separated scope tokens (RFC 6749 3.3).',
      })
      .register(settingDocs, {
        description:
          'Space-separated scopes asked for only when the user needs them (incremental authorization: the link of an `insufficient_scope` refusal, `/connect?scope=`), never at the first connect.',
        default: 'databases:write',
      }),
    TOKEN_ENCRYPTION_KEYS: z
      .string({ error: 'TOKEN_ENCRYPTION_KEYS is required.' })
      .transform((value, ctx) => {
        const ring = parseKeyRing(value);
        if (typeof ring === 'string') {
          ctx.addIssue({ code: 'custom', message: `TOKEN_ENCRYPTION_KEYS: ${ring}` });
          return z.NEVER;
        }
        return ring;
      })
      .register(settingDocs, {
        description:
          "Key ring for tokens at rest, newest first: comma-separated `kid:key`, each key 32 random bytes in base64url. Generate one: `node -e \"console.log('k1:' + require('crypto').randomBytes(32).toString('base64url'))\"`.",
        unset: 'required',
      }),
    SESSION_KEYS: z
      .string({ error: 'SESSION_KEYS is required.' })
      .transform((value) => value.split(',').map((key) => key.trim()))
      .refine((keys) => keys.every((key) => key.length >= 32), {
        error: 'SESSION_KEYS must be comma-separated secrets of at least 32 characters each.',
      })
      .register(settingDocs, {
        description:
          'Comma-separated secrets of at least 32 characters, newest first, signing the session cookie (`IDENTITY=demo`).',
        unset: 'required',
      }),
    PORT: integer('PORT', 3000, 0, 65535).register(settingDocs, {
      description: 'The port the integration listens on.',
      default: '3000',
    }),
    HOST: z
      .string()
      .optional()
      .transform((value) => value || '127.0.0.1')
      .register(settingDocs, { description: 'The address the integration listens on.', default: '127.0.0.1' }),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.',
      })
      .optional()
      .transform((value) => value ?? 'info')
      .register(settingDocs, {
        description: 'The pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
        default: 'info',
      }),
    ID_TOKEN_SIGNED_RESPONSE_ALG: z
      .enum(['RS256', 'PS256', 'ES256', 'EdDSA'], {
        error: 'ID_TOKEN_SIGNED_RESPONSE_ALG must be one of RS256, PS256, ES256, EdDSA.',
      })
      .optional()
      .transform((value) => value ?? 'RS256')
      .register(settingDocs, {
        description:
          'The registered ID token algorithm (`RS256`, `PS256`, `ES256` or `EdDSA`); every other one (and `none`) is refused. Under FAPI 2.0 (`PUSHED_AUTHORIZATION_REQUESTS=true`, `DPOP=true` and `CLIENT_AUTH_METHOD=private_key_jwt` together) it must be `PS256`, `ES256` or `EdDSA`: RS256, set or by default, stops the start.',
        default: 'RS256',
      }),
    PROVIDER_TIMEOUT_MS: integer('PROVIDER_TIMEOUT_MS', 5000, 100, 120_000).register(settingDocs, {
      description: 'Timeout of every call to the provider, in milliseconds (100 to 120000).',
      default: '5000',
    }),
    PENDING_AUTHORIZATION_TTL_SECONDS: integer('PENDING_AUTHORIZATION_TTL_SECONDS', 600, 30, 3600).register(
      settingDocs,
      { description: 'How long a started connect stays usable, in seconds (30 to 3600).', default: '600' },
    ),
    // At least a minute: the cache is what keeps anonymous readiness checks off the provider (contract 3.6).
    DISCOVERY_TTL_SECONDS: integer('DISCOVERY_TTL_SECONDS', 3600, 60, 86_400).register(settingDocs, {
      description:
        'How long discovery metadata is cached, in seconds, 60 to 86400 (the cache keeps `/readyz` off the provider; after a failed fetch readiness waits out a backoff: contract 3.6).',
      default: '3600',
    }),
    API_BASE_URL: secureUrl('API_BASE_URL', { query: true }).optional().register(settingDocs, {
      description:
        "The base URL of the vendor's resource API, its version included; its path is kept (requests go to `<base>/databases`).",
      unset: '`<issuer>/v1`',
    }),
    REFRESH_MARGIN_SECONDS: integer('REFRESH_MARGIN_SECONDS', 60, 0, 3600).register(settingDocs, {
      description: 'Refresh an access token this many seconds before it expires.',
      default: '60',
    }),
    REVOCATION_RETRY_INTERVAL_SECONDS: integer('REVOCATION_RETRY_INTERVAL_SECONDS', 30, 1, 86_400).register(
      settingDocs,
      {
        description:
          'How often queued revocations are retried, in seconds; also the first backoff step (doubling, capped at an hour, `Retry-After` honoured).',
        default: '30',
      },
    ),
    REVOCATION_MAX_ATTEMPTS: integer('REVOCATION_MAX_ATTEMPTS', 20, 1, 1000).register(settingDocs, {
      description: 'Failed attempts after which a queued revocation is given up and logged.',
      default: '20',
    }),
    PROVIDER_REVOCATION_SCOPE: z
      .enum(['token', 'grant'], { error: 'PROVIDER_REVOCATION_SCOPE must be token or grant.' })
      .optional()
      .transform((value) => value ?? 'token')
      .register(settingDocs, {
        description:
          "What revoking a refresh token ends at the provider (RFC 7009 2.1 leaves it to the provider: it SHOULD end the grant's access tokens). `token` (the safe assumption): only that token, so each access token a refresh replaces is revoked right after the refresh (one revocation request per refresh; queued in the same store write, retried like every revocation), and after a disconnect no access token of the grant is left alive. `grant`: the provider ends the grant's access tokens with its refresh token, so the replaced ones are left to that; set it only when the provider says so, or its provider-mode report does (`revocation.refresh.access`: ended), and always when revoking an access token ends the whole grant there (oidc-provider's default; report fact `revocation.access.refresh`: ended), or `token` would end each connection at its first refresh (docs/provider-mode.md).",
        default: 'token',
      }),
    SERVER_HEADERS_TIMEOUT_MS: integer('SERVER_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000).register(settingDocs, {
      description:
        'A request whose headers take longer to arrive (ms) is cut (408); never more than the request timeout.',
      default: '10000',
    }),
    SERVER_REQUEST_TIMEOUT_MS: integer('SERVER_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000).register(settingDocs, {
      description: 'A request that takes longer to arrive in whole (ms) is cut (408).',
      default: '30000',
    }),
    SERVER_MAX_CONNECTIONS: integer('SERVER_MAX_CONNECTIONS', 1000, 1, 1_000_000).register(settingDocs, {
      description: 'Connections the server takes at once.',
      default: '1000',
    }),
    PROVIDER_RETRY_ATTEMPTS: integer('PROVIDER_RETRY_ATTEMPTS', 3, 1, 10).register(settingDocs, {
      description: 'Attempts of a provider call where a retry is safe (1: none).',
      default: '3',
    }),
    PROVIDER_RETRY_BASE_MS: integer('PROVIDER_RETRY_BASE_MS', 200, 1, 60_000).register(settingDocs, {
      description: 'Retry backoff of provider calls: exponential from this base (ms), full jitter.',
      default: '200',
    }),
    PROVIDER_RETRY_MAX_MS: integer('PROVIDER_RETRY_MAX_MS', 2000, 1, 300_000).register(settingDocs, {
      description: 'Retry backoff of provider calls: its cap (ms).',
      default: '2000',
    }),
    PROVIDER_RETRY_AFTER_CAP_SECONDS: integer('PROVIDER_RETRY_AFTER_CAP_SECONDS', 10, 0, 3600).register(settingDocs, {
      description:
        "A provider's `Retry-After` longer than this many seconds is not waited for: the caller gets 503 with that `Retry-After`.",
      default: '10',
    }),
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
      )
      .register(settingDocs, {
        description: 'The MySQL store, e.g. `mysql://root@127.0.0.1:3306/test`; run `npm run migrate` first.',
        unset: 'absent: the embedded in-memory store',
      }),
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
      })
      .register(settingDocs, {
        description:
          "A PEM file of the CA certificates that sign the provider's certificate, trusted instead of the system's (verification is never turned off).",
        unset: "the system's CAs",
      }),
    TRUST_PROXY: z
      .enum(['true', 'false'], { error: 'TRUST_PROXY must be true or false.' })
      .optional()
      .transform((value) => value === 'true')
      .register(settingDocs, {
        description:
          '`true` behind a TLS-terminating proxy: `X-Forwarded-Proto` and `X-Forwarded-For` are trusted, so the session cookie is `Secure` and pages send `Strict-Transport-Security`.',
        default: 'false',
      }),
    IDENTITY: z
      .enum(['demo', 'trusted-header'], {
        error:
          'IDENTITY is required: "trusted-header" (the user id comes from IDENTITY_HEADER, set by your proxy) or "demo" (anyone may sign in as anyone: never in production).',
      })
      .register(settingDocs, {
        description:
          'Who the user is (docs/design.md, "The identity seam"): `trusted-header` (the host product\'s trusted proxy authenticates the user, names them in `IDENTITY_HEADER` and drops that header from what clients send; no sign-in routes) or `demo` (the demo sign-in, `POST /session` with any username: the contract\'s test sign-in, never for production).',
        unset: 'required',
        example: 'trusted-header',
      }),
    IDENTITY_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'IDENTITY_HEADER must be a header name (letters, digits and "-").' })
      .optional()
      .register(settingDocs, {
        description:
          'With `IDENTITY=trusted-header`: the request header that carries the user id, e.g. `X-Forwarded-User`.',
        unset: 'required then',
        example: 'X-Forwarded-User',
      }),
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
      })
      .register(settingDocs, {
        description:
          "With `IDENTITY=trusted-header`: comma-separated IP addresses or CIDR ranges of the proxies that set `IDENTITY_HEADER`, e.g. `10.0.0.5,10.1.0.0/16`. The header is believed only on a connection from one of them (its socket's address, never `X-Forwarded-For`); from anywhere else it is refused with 403 `untrusted_identity_header`. Behind the proxy the per-address rate limits count each user apart.",
        unset: 'required then',
        example: '127.0.0.1',
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
      })
      .register(settingDocs, {
        description:
          'Our own limits per session, `group=points/seconds` for `sign_in`, `connect`, `callback`, `api`; a client address gets five times as much.',
        default: 'sign_in=10/60,connect=20/60,callback=20/60,api=300/60',
      }),
    TEST_HOOKS: z
      .enum(['true', 'false'], { error: 'TEST_HOOKS must be true or false.' })
      .optional()
      .transform((value) => value === 'true')
      .register(settingDocs, {
        description:
          "`true`: the test hooks of contract 9.1 under `/__test` (move the integration's clock, retry the due revocations, read the log lines written since start), answering loopback callers only, so that a remote run checks the `@needs-*` scenarios too. Refused at start unless `HOST` is a loopback address; never in production. `.ci/remote-run` sets it.",
        default: 'false',
      }),
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

/** The settings the integration reads, each described beside its schema entry (`settingDocs`). */
export const settingsSchema = schema;

/** The settings as validated, each a field of Config. */
type Settings = z.output<typeof schema>;

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
    providerRevocationScope: value.PROVIDER_REVOCATION_SCOPE,
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
