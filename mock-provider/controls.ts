/**
 * The vocabulary of the mock's controls, as zod schemas (the types inferred
 * from them): what they take (faults, rate limits, tamperings, lifetimes,
 * modes, clock changes) and what they answer (keys, token states, the clock,
 * the modes, recorded requests, the vendor's data). control-table.ts puts
 * them together into the controls themselves. This file imports nothing of
 * the mock itself (no cycle with index.ts).
 */
import { z } from 'zod';

import { type Endpoint, endpointPaths } from './endpoints';

export const endpointName = z.enum(Object.keys(endpointPaths) as [Endpoint, ...Endpoint[]]);

/** A scripted failure of the next responses of an endpoint (see faults.ts). */
export const faultSchema = z.strictObject({
  /** HTTP status; defaults to 400 for an OAuth error, 500 otherwise. */
  status: z.number().int().min(100).max(599).optional(),
  /** OAuth `error` code. */
  error: z.string().min(1).max(128).optional(),
  error_description: z.string().max(1024).optional(),
  /** A raw body, sent instead of the JSON error. */
  body: z.string().max(65_536).optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1024)).optional(),
  /** Wait this long before answering; with nothing else set, the genuine answer follows the wait. */
  delayMs: z.number().int().min(0).max(120_000).optional(),
  /** Drop the connection without answering (after the delay, if any). */
  drop: z.boolean().optional(),
  /** How many responses in a row get this fault (default 1). */
  times: z.number().int().min(1).max(10_000).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

export const rateLimitSchema = z.strictObject({
  limit: z.number().int().min(0).max(1_000_000),
  windowSeconds: z.number().int().min(1).max(86_400),
});
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** Token lifetimes in seconds, for tokens issued from now on. */
export const lifetimesSchema = z.strictObject({
  accessToken: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 86_400)
    .optional(),
  refreshToken: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 86_400)
    .optional(),
  authorizationCode: z.number().int().min(1).max(86_400).optional(),
});
export type LifetimesChange = z.infer<typeof lifetimesSchema>;

const fieldName = z.string().min(1).max(64);
const claimValue = z.json();

/**
 * One change to the next token response, by name. Several changes given
 * together apply to the same response: the ID token changes first (its
 * claims, then how it is signed), then the fields of the response.
 *
 *   set-field                {field, value}   the response's field set to value (added if absent)
 *   omit-field               {field}          the field left out
 *   id-token-claims          {set?, omit?}    ID token claims set / removed, signed properly
 *   id-token-times           {issuedAtOffsetSeconds?, expiresAtOffsetSeconds?}
 *                                             iat / exp set relative to the provider's now, signed properly
 *   id-token-audience-array  {extra}          aud = [the client, ...extra]; azp = the client when extra is not empty
 *   id-token-bad-signature   {alg}            signed with the provider's key of alg, then one signature byte flipped
 *   id-token-unsigned        {}               an unsecured JWT (alg none)
 *   id-token-signed-with     {key}            signed by the provider's ES256 key, its published RS256 key,
 *                                             or an RS256 key it never published
 *   id-token-typ             {typ}            the JWT header's `typ` set (say `at+jwt`: an access token
 *                                             posing as an ID token)
 */
export const tamperingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('set-field'), field: fieldName, value: claimValue }),
  z.strictObject({ kind: z.literal('omit-field'), field: fieldName }),
  z.strictObject({
    kind: z.literal('id-token-claims'),
    set: z.record(fieldName, claimValue).optional(),
    omit: z.array(fieldName).max(32).optional(),
  }),
  z.strictObject({
    kind: z.literal('id-token-times'),
    issuedAtOffsetSeconds: z
      .number()
      .int()
      .min(-10 * 365 * 86_400)
      .max(10 * 365 * 86_400)
      .optional(),
    expiresAtOffsetSeconds: z
      .number()
      .int()
      .min(-10 * 365 * 86_400)
      .max(10 * 365 * 86_400)
      .optional(),
  }),
  z.strictObject({ kind: z.literal('id-token-audience-array'), extra: z.array(z.string().min(1).max(256)).max(8) }),
  z.strictObject({ kind: z.literal('id-token-bad-signature'), alg: z.enum(['RS256', 'ES256']) }),
  z.strictObject({ kind: z.literal('id-token-unsigned') }),
  z.strictObject({ kind: z.literal('id-token-signed-with'), key: z.enum(['es256', 'rs256', 'unpublished-rs256']) }),
  z.strictObject({ kind: z.literal('id-token-typ'), typ: z.string().min(1).max(64) }),
]);
export type Tampering = z.infer<typeof tamperingSchema>;
export type TamperingKind = Tampering['kind'];
export const tamperingListSchema = z.array(tamperingSchema).min(1).max(16);

/** A key of the provider's, as the controls show it (public parts only). */
export const keyStateSchema = z.object({
  kid: z.string(),
  alg: z.enum(['RS256', 'ES256']),
  /** Served by the JWKS endpoint. */
  published: z.boolean(),
  /** Signs the ID tokens from now on. */
  signing: z.boolean(),
});
export type KeyState = z.infer<typeof keyStateSchema>;

export const kidSchema = z.string().min(1).max(128);

/** How a revocation at the revocation endpoint reaches (RFC 7009 2.1 leaves it to the provider). */
export const revocationScopeSchema = z.enum(['grant', 'token']);
/**
 * `token` (the mock's default): only the token presented dies.
 * `grant`: oidc-provider's own behaviour: revoking an access or refresh
 * token revokes every token of its grant. With `token` the grant and its
 * other tokens live on, so a client that revokes one of its two tokens
 * leaves the other one alive.
 * A refresh itself ends no access token in either mode (oidc-provider's
 * refresh_token grant only consumes the rotated refresh token): the ones it
 * replaced live until they expire, unless the client revokes them. So
 * `token` is a provider where revoking the refresh token leaves the access
 * tokens alive, `grant` one where it ends them (and where revoking any
 * access token ends the grant too): the integration's
 * PROVIDER_REVOCATION_SCOPE answers each (contract 5.5).
 */
export type RevocationScope = z.infer<typeof revocationScopeSchema>;

/** Where the resource API is served: `/v1` by default, or under a longer base path such as `/vendor/v1`. */
export const resourceBasePathSchema = z
  .string()
  .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'a path of one or more /segments, without a trailing slash')
  .max(128)
  .refine(
    (path) =>
      !Object.entries(endpointPaths).some(
        ([name, taken]) =>
          name !== 'resource' && (path === taken || path.startsWith(`${taken}/`) || taken.startsWith(`${path}/`)),
      ),
    "a path of its own, not one of the provider's endpoints",
  )
  .refine((path) => !path.startsWith('/__control') && !path.startsWith('/interaction'), 'a path of its own');

export const clockSchema = z.union([
  /** Time passes (for the mock; in-process for the integration too). */
  z.strictObject({
    advanceSeconds: z
      .number()
      .int()
      .min(0)
      .max(10 * 365 * 86_400),
  }),
  /** The mock's clock runs this far ahead (negative: behind) of the integration's, from now on. */
  z.strictObject({
    skewSeconds: z
      .number()
      .int()
      .min(-365 * 86_400)
      .max(365 * 86_400),
  }),
]);
export type ClockChange = z.infer<typeof clockSchema>;

/** What the provider knows of a token, for checks (the token itself is never echoed). */
export const tokenStateSchema = z.object({
  /** Known, unexpired and not revoked. */
  active: z.boolean(),
  kind: z.enum(['access_token', 'refresh_token']).optional(),
  /** The provider account's username. */
  username: z.string().optional(),
  clientId: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  /** Seconds since the epoch, by the provider's clock. */
  expiresAt: z.number().optional(),
});
export type TokenState = z.infer<typeof tokenStateSchema>;

/** The mock's clock as the controls report it. */
export const clockStateSchema = z.object({
  /** The provider's now, ISO 8601. */
  now: z.iso.datetime(),
  /** How far time has been moved forward, in seconds. */
  advancedSeconds: z.number(),
  /** How far the provider's clock runs ahead (negative: behind) of the integration's. */
  skewSeconds: z.number(),
});
export type ClockState = z.infer<typeof clockStateSchema>;

export const apiChecksSchema = z.enum(['enforced', 'bypassed']);
export type ApiChecks = z.infer<typeof apiChecksSchema>;

/** Whose `sub` userinfo answers: the token's account's (OIDC Core 5.3.2), or another account's (a provider's mix-up). */
export const userinfoSubjectSchema = z.enum(['account', 'another-account']);
export type UserinfoSubject = z.infer<typeof userinfoSubjectSchema>;

/** Every mode of the mock that `reset` returns to its start. */
export const modesStateSchema = z.object({
  /** Each consent makes a new grant instead of extending the account's grant for the client. */
  separateGrants: z.boolean(),
  revocationScope: revocationScopeSchema,
  refreshTokenRotation: z.boolean(),
  resourceBasePath: z.string(),
  /** fapi2: the token endpoint, the resource API and userinfo demand a DPoP nonce (use_dpop_nonce, RFC 9449 8, 9). */
  dpopNonces: z.boolean(),
  /**
   * `enforced` (the default): the resource API checks the token's scopes and
   * that a database is the account's own. `bypassed`: it skips those checks
   * (never the token's validity), leaving the database's own grants as the
   * only lock: how a scenario shows that second lock holds on its own.
   */
  apiChecks: apiChecksSchema,
  /**
   * false (the default): the ID token carries `sub` and no profile claims,
   * which userinfo gives (OIDC Core 5.4: an access token is issued). true:
   * `name`, `preferred_username` and `email` in the ID token too, as a
   * lenient provider's (oidc-provider's `conformIdTokenClaims: false`).
   */
  idTokenProfileClaims: z.boolean(),
  /** `account` (the default): userinfo's `sub` is the token's account's; `another-account`: the other demo account's. */
  userinfoSubject: userinfoSubjectSchema,
  /**
   * true (the default): discovery advertises `revocation_endpoint` (RFC 8414 2)
   * and it answers (RFC 7009). false: discovery leaves it out and the endpoint
   * answers 404, as a provider that offers no revocation (contract 5.7).
   */
  revocationEndpoint: z.boolean(),
  /**
   * true (the default): discovery advertises `userinfo_endpoint` (OIDC
   * Discovery 3) and it answers (OIDC Core 5.3). false: discovery leaves it
   * out and the endpoint answers 404, as a provider that offers no userinfo
   * (contract 5.3: the account is then shown by its subject).
   */
  userinfoEndpoint: z.boolean(),
});
export type Modes = z.infer<typeof modesStateSchema>;

export const modesSchema = z.strictObject({
  separateGrants: z.boolean().optional(),
  revocationScope: revocationScopeSchema.optional(),
  refreshTokenRotation: z.boolean().optional(),
  resourceBasePath: resourceBasePathSchema.optional(),
  dpopNonces: z.boolean().optional(),
  apiChecks: apiChecksSchema.optional(),
  idTokenProfileClaims: z.boolean().optional(),
  userinfoSubject: userinfoSubjectSchema.optional(),
  revocationEndpoint: z.boolean().optional(),
  userinfoEndpoint: z.boolean().optional(),
});
export type ModesChange = z.infer<typeof modesSchema>;

export const usernameSchema = z.string().min(1).max(64);
export const tokenSchema = z.string().min(1).max(4096);

/** The integration's registration as the controls show it (never the secret). */
export const clientStateSchema = z.object({ client_id: z.string(), redirect_uris: z.array(z.string()) });
export type ClientState = z.infer<typeof clientStateSchema>;

/** Token lifetimes now, in seconds. */
export const lifetimesStateSchema = z.object({
  accessToken: z.number(),
  refreshToken: z.number(),
  authorizationCode: z.number(),
});

/** A field the record holds as `undefined` when it has no value (JSON leaves it out). */
const orUndefined = <T extends z.ZodType>(schema: T) => schema.optional().transform((value) => value);

/** A request the provider received at one of its named endpoints, as `requests` reports it (request-log.ts). */
export const recordedRequestSchema = z.object({
  endpoint: endpointName,
  method: z.string(),
  path: z.string(),
  params: z.record(z.string(), z.unknown()),
  queryNames: z.array(z.string()).readonly(),
  authorizationScheme: orUndefined(z.string()),
  clientId: orUndefined(z.string()),
  bearerToken: orUndefined(z.string()),
  dpopProof: orUndefined(z.string()),
  clientAssertion: orUndefined(z.string()),
  issuedTokens: z.array(z.string()).readonly(),
  requestUri: orUndefined(z.string()),
  error: orUndefined(z.string()),
  /** 0: the connection was dropped on purpose; -1: still in flight. */
  status: z.number(),
});

/** What the vendor holds and what its database refused (vendor-data/plane.ts, `VendorDataState`). */
export const vendorDataStateSchema = z.object({
  store: z.enum(['memory', 'mysql']),
  databases: z
    .array(
      z.object({
        account: z.string(),
        name: z.string(),
        tables: z.array(z.object({ name: z.string(), rows: z.number() })).readonly(),
      }),
    )
    .readonly(),
  refusals: z
    .array(
      z.object({
        by: z.enum(['mysql', 'memory']),
        account: z.string(),
        role: z.enum(['read', 'write']),
        user: z.string(),
        statement: z.enum(['SHOW TABLES', 'SHOW COLUMNS', 'SELECT', 'INSERT']),
        database: z.string(),
        table: z.string().optional(),
        code: z.string(),
      }),
    )
    .readonly(),
});
