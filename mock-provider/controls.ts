/**
 * The controls of the mock, as data: what each control accepts (one zod
 * schema each, the types inferred from them) and the interface the running
 * mock offers them by. The `/__control` HTTP API parses request bodies with
 * these schemas and the harness's in-process driver parses its arguments with
 * the same ones, so a step can do in-process exactly what it can do remotely.
 * This file imports nothing of the mock itself (no cycle with index.ts).
 */
import { z } from 'zod';
import { endpointPaths, type Endpoint } from './endpoints';
import type { RecordedRequest } from './request-log';
import type { VendorDataState } from './vendor-data/plane';

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
 *   id-token-signed-with     {key}            signed by the provider's ES256 key, its published RS256 key, or an RS256 key it never published
 *   id-token-typ             {typ}            the JWT header's `typ` set (say `at+jwt`: an access token posing as an ID token)
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
export interface KeyState {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  /** Served by the JWKS endpoint. */
  readonly published: boolean;
  /** Signs the ID tokens from now on. */
  readonly signing: boolean;
}

export const kidSchema = z.string().min(1).max(128);

/** How a revocation at the revocation endpoint reaches (RFC 7009 2.1 leaves it to the provider). */
export const revocationScopeSchema = z.enum(['grant', 'token']);
/**
 * `token` (the mock's default): only the token presented dies.
 * `grant`: oidc-provider's own behaviour: revoking an access or refresh
 * token revokes every token of its grant. With `token` the grant and its
 * other tokens live on, so a client that revokes one of its two tokens
 * leaves the other one alive.
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
export interface TokenState {
  /** Known, unexpired and not revoked. */
  readonly active: boolean;
  readonly kind?: 'access_token' | 'refresh_token';
  /** The provider account's username. */
  readonly username?: string;
  readonly clientId?: string;
  readonly scopes?: readonly string[];
  /** Seconds since the epoch, by the provider's clock. */
  readonly expiresAt?: number;
}

/** The mock's clock as the controls report it. */
export interface ClockState {
  /** The provider's now, ISO 8601. */
  readonly now: string;
  /** How far time has been moved forward, in seconds. */
  readonly advancedSeconds: number;
  /** How far the provider's clock runs ahead (negative: behind) of the integration's. */
  readonly skewSeconds: number;
}

/** Every mode of the mock that `reset` returns to its start. */
export interface Modes {
  /** Each consent makes a new grant instead of extending the account's grant for the client. */
  readonly separateGrants: boolean;
  readonly revocationScope: RevocationScope;
  readonly refreshTokenRotation: boolean;
  readonly resourceBasePath: string;
  /** fapi2: the token endpoint and the resource API demand a DPoP nonce (use_dpop_nonce, RFC 9449 8 and 9). */
  readonly dpopNonces: boolean;
  /**
   * `enforced` (the default): the resource API checks the token's scopes and
   * that a database is the account's own. `bypassed`: it skips those checks
   * (never the token's validity), leaving the database's own grants as the
   * only lock: how a scenario shows that second lock holds on its own.
   */
  readonly apiChecks: ApiChecks;
}

export const apiChecksSchema = z.enum(['enforced', 'bypassed']);
export type ApiChecks = z.infer<typeof apiChecksSchema>;

export const modesSchema = z.strictObject({
  separateGrants: z.boolean().optional(),
  revocationScope: revocationScopeSchema.optional(),
  refreshTokenRotation: z.boolean().optional(),
  resourceBasePath: resourceBasePathSchema.optional(),
  dpopNonces: z.boolean().optional(),
  apiChecks: apiChecksSchema.optional(),
});
export type ModesChange = z.infer<typeof modesSchema>;

export const usernameSchema = z.string().min(1).max(64);
export const tokenSchema = z.string().min(1).max(4096);

/** The integration's registration as the controls show it (never the secret). */
export interface ClientState {
  readonly client_id: string;
  readonly redirect_uris: readonly string[];
}

/**
 * What the running mock offers a test, one method a control. The harness's
 * in-process driver calls these directly; the `/__control` API calls the
 * same ones after parsing a request body with the schemas above.
 */
export interface MockControls {
  readonly issuer: string;
  readonly client: ClientState;
  /** The resource API's base URL (issuer + base path). */
  resourceBaseUrl(): string;

  requests(endpoint?: Endpoint): readonly RecordedRequest[];
  clearRequests(): void;

  failNext(endpoint: Endpoint, fault: Fault): void;
  pendingFaults(endpoint: Endpoint): number;
  clearFaults(): void;

  setRateLimit(endpoint: Endpoint, limit: RateLimit): void;
  clearRateLimits(): void;

  /** Queue named changes for the next token response (all of them apply to that one response). */
  tamperNextTokenResponse(changes: readonly Tampering[]): void;
  /** How many token responses are still to be altered. */
  pendingTamperings(): number;
  clearTamperings(): void;

  keys(): readonly KeyState[];
  rotateSigningKey(): Promise<KeyState>;
  /** Undefined for an unknown kid. */
  withdrawKey(kid: string): KeyState | undefined;
  serveSingleKeyWithoutKid(): void;

  /** Token lifetimes now, in seconds. */
  lifetimes(): Required<LifetimesChange>;
  setLifetimes(change: LifetimesChange): void;
  modes(): Modes;
  setModes(change: ModesChange): Modes;

  clock(): ClockState;
  changeClock(change: ClockChange): ClockState;

  /** Revoke every grant of a vendor account, as the vendor's own "revoke access" page would. How many grants. */
  revokeGrants(username: string): Promise<number>;
  /** Revoke one access token early, as a vendor may (its grant and refresh token live on). False: no such token. */
  revokeAccessToken(token: string): Promise<boolean>;
  /** Mark an authorization code as already redeemed. False: no such code. */
  consumeAuthorizationCode(code: string): Promise<boolean>;
  /** What the provider knows of an access or refresh token. */
  tokenState(token: string): Promise<TokenState>;
  /** What the vendor's data plane holds (row counts per table) and what its database refused (the second lock). */
  vendorData(): Promise<VendorDataState>;

  /** Everything above back to how the mock started (the stored grants, tokens and vendor data stay; the refusals are forgotten). */
  reset(): void;
}
