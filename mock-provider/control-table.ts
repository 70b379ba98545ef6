/**
 * Every control of the mock, declared once: its name, its HTTP method and
 * path under `/__control`, the zod schema of what it takes (a POST's JSON
 * body, a GET's or DELETE's query) and of what it answers, and how a step
 * calls it (its arguments, what it gets back). Everything else follows from
 * this table:
 *   - `MockControls`, the behaviours the running mock implements (index.ts),
 *     each given its input parsed and answering its output;
 *   - the `/__control` HTTP API (control-api.ts), one route an entry;
 *   - the harness's driver interface and both drivers (steps/support/): the
 *     in-process one parses a step's input, calls the behaviour and parses
 *     its answer; the remote one sends the input and parses the answer, with
 *     the same schemas.
 * Adding a control is one entry here plus its behaviour in index.ts; contract
 * 10.2 lists the calls of this table (a scenario of mock-control.feature
 * checks that it lists exactly these).
 */
import { z } from 'zod';

import {
  clientStateSchema,
  clockSchema,
  clockStateSchema,
  endpointName,
  type Fault,
  faultSchema,
  keyStateSchema,
  kidSchema,
  lifetimesSchema,
  lifetimesStateSchema,
  modesSchema,
  modesStateSchema,
  type RateLimit,
  rateLimitSchema,
  recordedRequestSchema,
  type Tampering,
  tamperingListSchema,
  tokenSchema,
  tokenStateSchema,
  usernameSchema,
  vendorDataStateSchema,
} from './controls';
import type { Endpoint } from './endpoints';

/** A control refused (an unknown kid, token or code; the vendor's database down): its status and stable code. */
export class ControlRefused extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 415 | 503,
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** One control as the table declares it; `A` and `R` are how a step calls it. */
export interface ControlSpec<I extends z.ZodType, O extends z.ZodType, A extends unknown[], R> {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Under `/__control/` (`''`: `/__control` itself). */
  readonly path: string;
  /** What it takes: a POST's JSON body, a GET's or DELETE's query. */
  readonly input: I;
  /** What it answers; `z.void()`: 204 without a body. */
  readonly output: O;
  /** The status of an answer with a body (default 200). */
  readonly status?: 200 | 201;
  /** A step's arguments as the input (default: the input itself, `{}` when left out). */
  readonly args?: (...args: A) => z.input<I>;
  /** What a step gets back from the parsed answer (default: the answer). */
  readonly result?: (answer: z.output<O>) => R;
}

/** A control of the table, as the drivers and the routes run it (types erased: they were checked in the table). */
export interface Control {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly status: 200 | 201 | 204;
  /** A step's arguments as the input, not yet parsed. */
  inputOf(args: readonly unknown[]): unknown;
  /** The parsed answer as what a step gets back. */
  resultOf(answer: unknown): unknown;
}

type DefaultArgs<I extends z.ZodType> =
  Record<string, never> extends z.input<I> ? [input?: z.input<I>] : [input: z.input<I>];

/** A typed entry of the table, with its runtime form. */
export type TypedControl<I extends z.ZodType, O extends z.ZodType, A extends unknown[], R> = Omit<
  ControlSpec<I, O, A, R>,
  'status'
> &
  Control & { readonly input: I; readonly output: O };

function control<I extends z.ZodType, O extends z.ZodType, A extends unknown[] = DefaultArgs<I>, R = z.output<O>>(
  spec: ControlSpec<I, O, A, R>,
): TypedControl<I, O, A, R> {
  return {
    ...spec,
    status: spec.output instanceof z.ZodVoid ? 204 : (spec.status ?? 200),
    // The two casts of the table: the driver's method of this control was typed `(...args: A) => Promise<R>`.
    inputOf: (args) => (spec.args ? spec.args(...(args as A)) : (args[0] ?? {})),
    resultOf: (answer) => (spec.result ? spec.result(answer as z.output<O>) : answer),
  };
}

/** Nothing to say: any object (a POST with nothing to say sends `{}`, contract 10.2). */
const nothing = z.object({});
const noContent = z.void();
const endpointQuery = z.strictObject({ endpoint: endpointName });

export const controlTable = {
  /** What the mock is and can do: its issuer, the integration's registration, its endpoints, modes and controls. */
  about: control({
    method: 'GET',
    path: '',
    input: nothing,
    output: z.object({
      issuer: z.string(),
      client: clientStateSchema,
      resourceBaseUrl: z.string(),
      endpoints: z.record(z.string(), z.string()),
      modes: modesStateSchema,
      controls: z.array(z.string()),
    }),
  }),
  /**
   * Everything back to how the mock started: faults, limits, tamperings, keys,
   * lifetimes, modes, the clock, requests (stored grants, tokens and vendor
   * data stay; the refusals are forgotten).
   */
  reset: control({ method: 'POST', path: 'reset', input: nothing, output: noContent }),

  /** Every request the provider received at its named endpoints (or at one), in arrival order; in flight: status -1. */
  requests: control({
    method: 'GET',
    path: 'requests',
    input: z.strictObject({ endpoint: endpointName.optional() }),
    output: z.object({ requests: z.array(recordedRequestSchema).readonly() }),
    args: (endpoint?: Endpoint) => (endpoint === undefined ? {} : { endpoint }),
    result: (answer) => answer.requests,
  }),
  clearRequests: control({ method: 'DELETE', path: 'requests', input: nothing, output: noContent }),

  /** The next `fault.times` (default 1) responses of the endpoint fail so. */
  failNext: control({
    method: 'POST',
    path: 'faults',
    input: faultSchema.extend({ endpoint: endpointName }),
    output: z.object({ endpoint: endpointName, pending: z.number() }),
    status: 201,
    args: (endpoint: Endpoint, fault: Fault) => ({ endpoint, ...fault }),
    result: (): void => undefined,
  }),
  /** How many responses of the endpoint are still scripted to fail. */
  pendingFaults: control({
    method: 'GET',
    path: 'faults',
    input: endpointQuery,
    output: z.object({ endpoint: endpointName, pending: z.number() }),
    args: (endpoint: Endpoint) => ({ endpoint }),
    result: (answer) => answer.pending,
  }),
  clearFaults: control({ method: 'DELETE', path: 'faults', input: nothing, output: noContent }),
  /** The endpoint's answers that a `delayMs` fault holds now go on at once; how many were held. */
  releaseHeld: control({
    method: 'POST',
    path: 'faults/release',
    input: endpointQuery,
    output: z.object({ endpoint: endpointName, released: z.number() }),
    args: (endpoint: Endpoint) => ({ endpoint }),
    result: (answer) => answer.released,
  }),

  /** 429 with `Retry-After` and `RateLimit-*` past `limit` requests a window. */
  setRateLimit: control({
    method: 'POST',
    path: 'rate-limits',
    input: rateLimitSchema.extend({ endpoint: endpointName }),
    output: rateLimitSchema.extend({ endpoint: endpointName }),
    status: 201,
    args: (endpoint: Endpoint, limit: RateLimit) => ({ endpoint, ...limit }),
    result: (): void => undefined,
  }),
  clearRateLimits: control({ method: 'DELETE', path: 'rate-limits', input: nothing, output: noContent }),

  /** Named changes to the next token response, all applied to that one response (controls.ts lists the kinds). */
  tamperNextTokenResponse: control({
    method: 'POST',
    path: 'tamperings',
    input: z.strictObject({ changes: tamperingListSchema }),
    output: z.object({ pending: z.number() }),
    status: 201,
    args: (...changes: Tampering[]) => ({ changes }),
    result: (): void => undefined,
  }),
  /** How many token responses are still to be altered. */
  pendingTamperings: control({
    method: 'GET',
    path: 'tamperings',
    input: nothing,
    output: z.object({ pending: z.number() }),
    result: (answer) => answer.pending,
  }),
  clearTamperings: control({ method: 'DELETE', path: 'tamperings', input: nothing, output: noContent }),

  /** The provider's keys: which the JWKS publishes, which signs ID tokens. */
  keys: control({
    method: 'GET',
    path: 'keys',
    input: nothing,
    output: z.object({ keys: z.array(keyStateSchema) }),
    result: (answer) => answer.keys,
  }),
  /** A new key of the ID token algorithm, published first in the JWKS and signing every ID token from now on. */
  rotateSigningKey: control({
    method: 'POST',
    path: 'keys/rotate',
    input: nothing,
    output: z.object({ key: keyStateSchema }),
    status: 201,
    result: (answer) => answer.key,
  }),
  /** Stop publishing a key (the signer, if withdrawn, keeps signing); 404 `unknown_key`. */
  withdrawKey: control({
    method: 'POST',
    path: 'keys/withdraw',
    input: z.strictObject({ kid: kidSchema }),
    output: z.object({ key: keyStateSchema }),
    args: (kid: string) => ({ kid }),
    result: (answer) => answer.key,
  }),
  /** From now on publish only the signing key, without `kid`, and sign ID tokens without `kid`. */
  serveSingleKeyWithoutKid: control({
    method: 'POST',
    path: 'keys/single-without-kid',
    input: nothing,
    output: noContent,
  }),

  /** Token lifetimes (seconds) for tokens issued from now on. */
  lifetimes: control({ method: 'GET', path: 'lifetimes', input: nothing, output: lifetimesStateSchema }),
  setLifetimes: control({ method: 'POST', path: 'lifetimes', input: lifetimesSchema, output: noContent }),
  /** The modes (contract 10.1); setting any of them answers the modes now. */
  modes: control({ method: 'GET', path: 'modes', input: nothing, output: modesStateSchema }),
  setModes: control({ method: 'POST', path: 'modes', input: modesSchema, output: modesStateSchema }),
  /** Refresh token rotation on (the default) or off. */
  setRefreshTokenRotation: control({
    method: 'POST',
    path: 'refresh-token-rotation',
    input: z.strictObject({ enabled: z.boolean() }),
    output: noContent,
    args: (enabled: boolean) => ({ enabled }),
  }),

  /** The mock's clock: its now, how far time was moved forward, its skew. */
  clock: control({ method: 'GET', path: 'clock', input: nothing, output: clockStateSchema }),
  /** `{advanceSeconds}`: time passes for the mock; `{skewSeconds}`: it runs that far ahead of the integration's. */
  changeClock: control({ method: 'POST', path: 'clock', input: clockSchema, output: clockStateSchema }),

  /** Revoke every grant of a vendor account ("revoke access" at the vendor): all its tokens die. How many grants. */
  revokeGrants: control({
    method: 'POST',
    path: 'grants/revoke',
    input: z.strictObject({ username: usernameSchema }),
    output: z.object({ username: z.string(), revoked: z.number() }),
    args: (username: string) => ({ username }),
    result: (answer) => answer.revoked,
  }),
  /** Revoke one access token early (its grant and refresh token live on); 404 `unknown_token`. */
  revokeAccessToken: control({
    method: 'POST',
    path: 'access-tokens/revoke',
    input: z.strictObject({ token: tokenSchema }),
    output: noContent,
    args: (token: string) => ({ token }),
  }),
  /** Mark an authorization code as already redeemed, as if someone else had used it first; 404 `unknown_code`. */
  consumeAuthorizationCode: control({
    method: 'POST',
    path: 'authorization-codes/consume',
    input: z.strictObject({ code: tokenSchema }),
    output: noContent,
    args: (code: string) => ({ code }),
  }),
  /**
   * What the provider knows of an access or refresh token: whether it is
   * active (known, unexpired, not revoked or consumed), whose it is, the
   * client it was issued to, its scopes. Asks the provider's own store; needs
   * no client secret, unlike introspection. The token is never echoed.
   */
  tokenState: control({
    method: 'POST',
    path: 'tokens/inspect',
    input: z.strictObject({ token: tokenSchema }),
    output: tokenStateSchema,
    args: (token: string) => ({ token }),
  }),
  /**
   * What the vendor holds (row counts per table, read as its administrator)
   * and what its database refused (the second lock); 503
   * `temporarily_unavailable` when its MySQL is down.
   */
  vendorData: control({ method: 'GET', path: 'vendor-data', input: nothing, output: vendorDataStateSchema }),
};

export type ControlTable = typeof controlTable;
export type ControlName = keyof ControlTable;
export const controlNames = Object.keys(controlTable) as ControlName[];

type InputOf<K extends ControlName> = z.output<ControlTable[K]['input']>;
type OutputOf<K extends ControlName> = z.input<ControlTable[K]['output']>;

/**
 * What the running mock implements, one behaviour a control: given its input
 * parsed, it answers its output (or throws `ControlRefused`). index.ts
 * implements them; the control API and the in-process driver call them.
 */
export type MockControls = {
  readonly [K in ControlName]: (input: InputOf<K>) => OutputOf<K> | Promise<OutputOf<K>>;
};

/** The controls as a step calls them, through either driver. */
export type StepControls = {
  readonly [K in ControlName]: ControlTable[K] extends {
    readonly args?: (...args: infer A) => unknown;
    readonly result?: (answer: never) => infer R;
  }
    ? (...args: A) => Promise<R>
    : never;
};

/** The calls of the table, as `about` lists them and contract 10.2 documents them: `GET /__control/keys`... */
export const controlCalls: readonly string[] = controlNames.map((name) => {
  const { method, path } = controlTable[name];
  return `${method} /__control${path === '' ? '' : `/${path}`}`;
});
