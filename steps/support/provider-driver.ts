/**
 * The harness's interface to "the provider": everything a step does to the
 * mock, as one async interface with two implementations. `InProcessProvider`
 * wraps the mock the World started in the test process; `RemoteProvider`
 * drives a mock started elsewhere (`npm run start:mock`, MOCK_URL) through
 * its `/__control` HTTP API. Both speak the vocabulary of
 * mock-provider/controls.ts, and the in-process one checks its arguments
 * with the same schemas the HTTP API parses bodies with: a step cannot do
 * in-process what it could not do remotely. What only the in-process driver
 * can do is marked "In-process only".
 */
import { got, type Got } from 'got';
import { freshConnections } from './fresh-connections';
import type { MockProvider } from '../../mock-provider';
import {
  clockSchema,
  endpointName,
  faultSchema,
  kidSchema,
  lifetimesSchema,
  modesSchema,
  rateLimitSchema,
  tamperingListSchema,
  tokenSchema,
  usernameSchema,
  type ClientState,
  type ClockState,
  type Fault,
  type KeyState,
  type LifetimesChange,
  type MockControls,
  type Modes,
  type ModesChange,
  type RateLimit,
  type RevocationScope,
  type Tampering,
  type TokenState,
} from '../../mock-provider/controls';
import type { Endpoint } from '../../mock-provider/endpoints';
import type { RecordedRequest } from '../../mock-provider/request-log';
import type { VendorDataState } from '../../mock-provider/vendor-data/plane';

export type { VendorDataState };
export type {
  ClockState,
  Endpoint,
  Fault,
  KeyState,
  LifetimesChange,
  Modes,
  RateLimit,
  RecordedRequest,
  RevocationScope,
  Tampering,
  TokenState,
};

export interface ProviderDriver {
  readonly mode: 'in-process' | 'remote';
  /** The provider's issuer URL. */
  readonly issuer: string;
  /** The integration's registration at the provider: client_id and redirect URIs (never the secret). */
  readonly client: ClientState;
  /** Where the resource API is served now (issuer + its base path). */
  resourceBaseUrl(): Promise<string>;

  // ---- what the provider saw ----
  /** Every request the provider received at its named endpoints (or at one), in arrival order; in flight: status -1. */
  requests(endpoint?: Endpoint): Promise<readonly RecordedRequest[]>;
  clearRequests(): Promise<void>;
  /**
   * What the provider knows of an access or refresh token: whether it is
   * active (known, unexpired, not revoked or consumed), whose it is, the
   * client it was issued to, its scopes. Asks the provider's own store, as
   * `provider.AccessToken.find` did ("the provider confirms the stored
   * access token is active"); needs no client secret, unlike introspection.
   */
  tokenState(token: string): Promise<TokenState>;

  // ---- faults and limits ----
  /** The next `fault.times` (default 1) responses of the endpoint fail so. */
  failNext(endpoint: Endpoint, fault: Fault): Promise<void>;
  /** How many responses of the endpoint are still scripted to fail. */
  pendingFaults(endpoint: Endpoint): Promise<number>;
  clearFaults(): Promise<void>;
  setRateLimit(endpoint: Endpoint, limit: RateLimit): Promise<void>;
  clearRateLimits(): Promise<void>;

  // ---- the evil provider ----
  /** Named changes to the next token response, all applied to that one response (controls.ts lists the kinds). */
  tamperNextTokenResponse(...changes: Tampering[]): Promise<void>;
  /** How many token responses are still to be altered. */
  pendingTamperings(): Promise<number>;
  /** The provider's keys: which the JWKS publishes, which signs ID tokens. */
  keys(): Promise<readonly KeyState[]>;
  /** A new RS256 key, published first in the JWKS and signing every ID token from now on. */
  rotateSigningKey(): Promise<KeyState>;
  /** Stop publishing a key (the signer, if withdrawn, keeps signing). Throws for an unknown kid. */
  withdrawKey(kid: string): Promise<KeyState>;
  /** From now on publish only the signing key, without `kid`, and sign ID tokens without `kid`. */
  serveSingleKeyWithoutKid(): Promise<void>;

  // ---- policies ----
  /** Token lifetimes (seconds) for tokens issued from now on. */
  setLifetimes(change: LifetimesChange): Promise<void>;
  lifetimes(): Promise<Required<LifetimesChange>>;
  /** Refresh token rotation on (the default) or off. */
  setRefreshTokenRotation(on: boolean): Promise<void>;
  /** Each consent makes a new grant (on: the mock's default) or extends the account's grant for the client (off: oidc-provider's own behaviour). */
  setSeparateGrants(on: boolean): Promise<void>;
  /** What a revocation at the revocation endpoint ends: that token only (`token`: the mock's default) or its whole grant (`grant`: oidc-provider's own behaviour). */
  setRevocationScope(scope: RevocationScope): Promise<void>;
  /** Serve the resource API under this base path only (say `/vendor/v1`; default `/v1`). Its base URL now. */
  setResourceBasePath(path: string): Promise<string>;
  /** Bypass the resource API's scope and ownership checks (on), leaving the vendor database's grants as the only lock; off: enforced (the default). */
  bypassApiChecks(on: boolean): Promise<void>;
  modes(): Promise<Modes>;

  // ---- the vendor's own actions ----
  /** Revoke every grant of a vendor account ("revoke access" at the vendor): all its tokens die. How many grants. */
  revokeGrants(username: string): Promise<number>;
  /** Revoke one access token early (its grant and refresh token live on). Throws for an unknown token. */
  revokeAccessToken(token: string): Promise<void>;
  /** Mark an authorization code as already redeemed, as if someone else had used it first. Throws for an unknown code. */
  consumeAuthorizationCode(code: string): Promise<void>;
  /** What the vendor holds (row counts per table, read as its administrator) and what its database refused. */
  vendorData(): Promise<VendorDataState>;

  // ---- the clock ----
  /**
   * Time passes: the provider's clock moves forward. In-process the
   * integration shares that clock and moves too; remote, the harness moves
   * the integration's own clock through its test hook (POST /__test/clock).
   */
  advanceClock(seconds: number): Promise<ClockState>;
  /** From now on the provider's clock runs `seconds` ahead of the integration's (negative: behind). */
  skewClock(seconds: number): Promise<ClockState>;
  clock(): Promise<ClockState>;

  /**
   * Everything above back to how the mock started: faults, limits, tamperings,
   * keys, lifetimes, modes, clock skew, requests. Time that has passed stays
   * passed remotely (the integration's clock hook only moves forward, so the
   * mock's is moved forward again to keep them in step); in-process the shared
   * clock goes back for both.
   */
  reset(): Promise<void>;

  /**
   * In-process only: the mock object itself, for what has no control (restarting it
   * with another TLS certificate, reading oidc-provider's models). Undefined remotely.
   */
  readonly local?: MockProvider;
}

/** The named mode switches, written once over each driver's one way of changing the mock's modes. */
abstract class ModeSwitches {
  protected abstract setModes(change: ModesChange): Promise<Modes>;
  abstract resourceBaseUrl(): Promise<string>;

  async setRefreshTokenRotation(on: boolean): Promise<void> {
    await this.setModes({ refreshTokenRotation: on });
  }

  async setSeparateGrants(on: boolean): Promise<void> {
    await this.setModes({ separateGrants: on });
  }

  async setRevocationScope(scope: RevocationScope): Promise<void> {
    await this.setModes({ revocationScope: scope });
  }

  async setResourceBasePath(path: string): Promise<string> {
    await this.setModes({ resourceBasePath: path });
    return this.resourceBaseUrl();
  }

  async bypassApiChecks(on: boolean): Promise<void> {
    await this.setModes({ apiChecks: on ? 'bypassed' : 'enforced' });
  }
}

/** The mock started in the test process. */
export class InProcessProvider extends ModeSwitches implements ProviderDriver {
  readonly mode = 'in-process';
  private readonly controls: MockControls;

  constructor(readonly local: MockProvider) {
    super();
    this.controls = local.controls;
  }

  get issuer(): string {
    return this.controls.issuer;
  }

  get client(): ClientState {
    return this.controls.client;
  }

  async resourceBaseUrl(): Promise<string> {
    return this.controls.resourceBaseUrl();
  }

  async requests(endpoint?: Endpoint): Promise<readonly RecordedRequest[]> {
    return [...this.controls.requests(endpoint === undefined ? undefined : endpointName.parse(endpoint))];
  }

  async clearRequests(): Promise<void> {
    this.controls.clearRequests();
  }

  async tokenState(token: string): Promise<TokenState> {
    return this.controls.tokenState(tokenSchema.parse(token));
  }

  async failNext(endpoint: Endpoint, fault: Fault): Promise<void> {
    this.controls.failNext(endpointName.parse(endpoint), faultSchema.parse(fault));
  }

  async pendingFaults(endpoint: Endpoint): Promise<number> {
    return this.controls.pendingFaults(endpointName.parse(endpoint));
  }

  async clearFaults(): Promise<void> {
    this.controls.clearFaults();
  }

  async setRateLimit(endpoint: Endpoint, limit: RateLimit): Promise<void> {
    this.controls.setRateLimit(endpointName.parse(endpoint), rateLimitSchema.parse(limit));
  }

  async clearRateLimits(): Promise<void> {
    this.controls.clearRateLimits();
  }

  async tamperNextTokenResponse(...changes: Tampering[]): Promise<void> {
    this.controls.tamperNextTokenResponse(tamperingListSchema.parse(changes));
  }

  async pendingTamperings(): Promise<number> {
    return this.controls.pendingTamperings();
  }

  async keys(): Promise<readonly KeyState[]> {
    return this.controls.keys();
  }

  async rotateSigningKey(): Promise<KeyState> {
    return this.controls.rotateSigningKey();
  }

  async withdrawKey(kid: string): Promise<KeyState> {
    const key = this.controls.withdrawKey(kidSchema.parse(kid));
    if (!key) throw new Error('the provider has no key with that kid');
    return key;
  }

  async serveSingleKeyWithoutKid(): Promise<void> {
    this.controls.serveSingleKeyWithoutKid();
  }

  async setLifetimes(change: LifetimesChange): Promise<void> {
    this.controls.setLifetimes(lifetimesSchema.parse(change));
  }

  async lifetimes(): Promise<Required<LifetimesChange>> {
    return this.controls.lifetimes();
  }

  protected async setModes(change: ModesChange): Promise<Modes> {
    return this.controls.setModes(modesSchema.parse(change));
  }

  async modes(): Promise<Modes> {
    return this.controls.modes();
  }

  async revokeGrants(username: string): Promise<number> {
    return this.controls.revokeGrants(usernameSchema.parse(username));
  }

  async revokeAccessToken(token: string): Promise<void> {
    if (!(await this.controls.revokeAccessToken(tokenSchema.parse(token))))
      throw new Error('the provider knows no such access token');
  }

  async consumeAuthorizationCode(code: string): Promise<void> {
    if (!(await this.controls.consumeAuthorizationCode(tokenSchema.parse(code))))
      throw new Error('the provider knows no such authorization code');
  }

  async vendorData(): Promise<VendorDataState> {
    return this.controls.vendorData();
  }

  async advanceClock(seconds: number): Promise<ClockState> {
    return this.controls.changeClock(clockSchema.parse({ advanceSeconds: seconds }));
  }

  async skewClock(seconds: number): Promise<ClockState> {
    return this.controls.changeClock(clockSchema.parse({ skewSeconds: seconds }));
  }

  async clock(): Promise<ClockState> {
    return this.controls.clock();
  }

  async reset(): Promise<void> {
    this.controls.reset();
  }
}

interface ControlFailure {
  error?: string;
  error_description?: string;
}

/** A mock running elsewhere, driven through its `/__control` HTTP API (mock-provider/control-api.ts). */
export class RemoteProvider extends ModeSwitches implements ProviderDriver {
  readonly mode = 'remote';
  readonly local = undefined;

  private constructor(
    private readonly http: Got,
    readonly issuer: string,
    readonly client: ClientState,
  ) {
    super();
  }

  /** Connect to the mock at `mockUrl` (MOCK_URL): reads its issuer and the integration's registration. */
  static async connect(mockUrl: string, options: { timeoutMs?: number } = {}): Promise<RemoteProvider> {
    const http = got.extend({
      prefixUrl: new URL('/__control/', mockUrl).href,
      throwHttpErrors: false,
      retry: { limit: 0 },
      agent: freshConnections,
      timeout: { request: options.timeoutMs ?? 10_000 },
    });
    const response = await http.get('');
    if (response.statusCode !== 200) {
      throw new Error(
        `the mock at ${mockUrl} has no control API (GET /__control answered ${response.statusCode}); start it with npm run start:mock`,
      );
    }
    const about = JSON.parse(response.body) as { issuer: string; client: ClientState };
    return new RemoteProvider(http, about.issuer, about.client);
  }

  private async call<T>(
    method: 'get' | 'post' | 'delete',
    path: string,
    body?: unknown,
    searchParams?: Record<string, string>,
  ): Promise<T> {
    const response = await this.http(path, {
      method: method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
      // A POST is always JSON, `{}` when it has nothing to say: the control API refuses any other (contract 10.2).
      ...(body === undefined && method !== 'post' ? {} : { json: body ?? {} }),
      ...(searchParams ? { searchParams } : {}),
    });
    if (response.statusCode >= 300) {
      let failure: ControlFailure = {};
      try {
        failure = JSON.parse(response.body) as ControlFailure;
      } catch {
        // not JSON: the status says it all
      }
      throw new Error(
        `the mock's control ${method.toUpperCase()} /__control/${path} answered ${response.statusCode} ${failure.error ?? ''}: ${failure.error_description ?? ''}`,
      );
    }
    return (response.body ? JSON.parse(response.body) : undefined) as T;
  }

  async resourceBaseUrl(): Promise<string> {
    return (await this.call<{ resourceBaseUrl: string }>('get', '')).resourceBaseUrl;
  }

  async requests(endpoint?: Endpoint): Promise<readonly RecordedRequest[]> {
    return (
      await this.call<{ requests: RecordedRequest[] }>(
        'get',
        'requests',
        undefined,
        endpoint ? { endpoint } : undefined,
      )
    ).requests;
  }

  async clearRequests(): Promise<void> {
    await this.call('delete', 'requests');
  }

  async tokenState(token: string): Promise<TokenState> {
    return this.call<TokenState>('post', 'tokens/inspect', { token });
  }

  async failNext(endpoint: Endpoint, fault: Fault): Promise<void> {
    await this.call('post', 'faults', { endpoint, ...fault });
  }

  async pendingFaults(endpoint: Endpoint): Promise<number> {
    return (await this.call<{ pending: number }>('get', 'faults', undefined, { endpoint })).pending;
  }

  async clearFaults(): Promise<void> {
    await this.call('delete', 'faults');
  }

  async setRateLimit(endpoint: Endpoint, limit: RateLimit): Promise<void> {
    await this.call('post', 'rate-limits', { endpoint, ...limit });
  }

  async clearRateLimits(): Promise<void> {
    await this.call('delete', 'rate-limits');
  }

  async tamperNextTokenResponse(...changes: Tampering[]): Promise<void> {
    await this.call('post', 'tamperings', { changes });
  }

  async pendingTamperings(): Promise<number> {
    return (await this.call<{ pending: number }>('get', 'tamperings')).pending;
  }

  async keys(): Promise<readonly KeyState[]> {
    return (await this.call<{ keys: KeyState[] }>('get', 'keys')).keys;
  }

  async rotateSigningKey(): Promise<KeyState> {
    return (await this.call<{ key: KeyState }>('post', 'keys/rotate')).key;
  }

  async withdrawKey(kid: string): Promise<KeyState> {
    return (await this.call<{ key: KeyState }>('post', 'keys/withdraw', { kid })).key;
  }

  async serveSingleKeyWithoutKid(): Promise<void> {
    await this.call('post', 'keys/single-without-kid');
  }

  async setLifetimes(change: LifetimesChange): Promise<void> {
    await this.call('post', 'lifetimes', change);
  }

  async lifetimes(): Promise<Required<LifetimesChange>> {
    return this.call<Required<LifetimesChange>>('get', 'lifetimes');
  }

  protected async setModes(change: ModesChange): Promise<Modes> {
    return this.call<Modes>('post', 'modes', change);
  }

  async modes(): Promise<Modes> {
    return this.call<Modes>('get', 'modes');
  }

  async revokeGrants(username: string): Promise<number> {
    return (await this.call<{ revoked: number }>('post', 'grants/revoke', { username })).revoked;
  }

  async revokeAccessToken(token: string): Promise<void> {
    await this.call('post', 'access-tokens/revoke', { token });
  }

  async consumeAuthorizationCode(code: string): Promise<void> {
    await this.call('post', 'authorization-codes/consume', { code });
  }

  async vendorData(): Promise<VendorDataState> {
    return this.call<VendorDataState>('get', 'vendor-data');
  }

  async advanceClock(seconds: number): Promise<ClockState> {
    return this.call<ClockState>('post', 'clock', { advanceSeconds: seconds });
  }

  async skewClock(seconds: number): Promise<ClockState> {
    return this.call<ClockState>('post', 'clock', { skewSeconds: seconds });
  }

  async clock(): Promise<ClockState> {
    return this.call<ClockState>('get', 'clock');
  }

  async reset(): Promise<void> {
    const { advancedSeconds } = await this.clock();
    await this.call('post', 'reset');
    if (advancedSeconds > 0) await this.advanceClock(Math.round(advancedSeconds));
  }
}
