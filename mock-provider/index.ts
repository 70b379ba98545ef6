/**
 * The mock provider: the managed-MySQL vendor's authorization server
 * (oidc-provider), its pages, and the controls a test uses to make it
 * misbehave on purpose (controls.ts lists them). `startMockProvider` runs it
 * on a loopback port.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import { Provider } from 'oidc-provider';

import { demoAccounts, subjectOf } from './accounts';
import { MemoryStorage, oneTokenRevocation } from './adapter';
import { Clock } from './clock';
import {
  type ClientRegistration,
  defaultLifetimes,
  idTokenSigningAlgOf,
  type Lifetimes,
  providerConfiguration,
  type SecurityProfile,
} from './configuration';
import { controlApi } from './control-api';
import { controlCalls, ControlRefused, type MockControls } from './control-table';
import type { Modes, TokenState } from './controls';
import { DpopProofs } from './dpop-proofs';
import { endpointIn, endpointNaming, endpointPaths } from './endpoints';
import { Faults } from './faults';
import { interactionRoutes } from './interactions';
import { KeySet } from './key-set';
import { generateSigningKeys, type SigningKey } from './keys';
import { RateLimits } from './rate-limits';
import { RequestLog } from './request-log';
import { resourceApi, resourceIndicatorOf } from './resource-api';
import { Tamperings } from './tampering';
import { userinfo } from './userinfo';
import { createVendorData, type VendorDataOptions, type VendorDataPlane } from './vendor-data';

export { demoAccounts } from './accounts';
export type { ClientRegistration, SecurityProfile } from './configuration';
export type { MockControls } from './control-table';
export type { ClockState, Fault, KeyState, Modes, Tampering as NamedTampering, TokenState } from './controls';
export type { Endpoint } from './endpoints';
export type { RecordedRequest } from './request-log';

export interface MockProviderOptions {
  /** The integration's registration at the vendor. */
  client: ClientRegistration;
  /** Port to listen on (0: any free port). */
  port?: number;
  host?: string;
  /** Signing keys; generated when absent. */
  keys?: readonly SigningKey[];
  /** An already listening server to serve on (its port decides the issuer). */
  server?: Server;
  /** Serve over TLS with this key and certificate (the issuer is then https). */
  tls?: { key: string; cert: string };
  /** Serve the `/__control` HTTP API (loopback only): for the mock run alone (`npm run start:mock`). */
  controlApi?: boolean;
  /** `basic` (default) or `fapi2`: PAR required, DPoP-bound tokens, private_key_jwt (configuration.ts). */
  profile?: SecurityProfile;
  /**
   * Where the vendor's data lives (vendor-data/): memory, or
   * MariaDB/MySQL; by default VENDOR_MYSQL_URL's server when set.
   */
  vendorData?: VendorDataOptions;
}

export interface MockProvider {
  readonly issuer: string;
  /** oidc-provider itself, for what no control offers (reading or making tokens in its store). */
  readonly provider: Provider;
  readonly client: ClientRegistration;
  readonly profile: SecurityProfile;
  /** Every control of the mock (control-table.ts): what the harness's provider driver and `/__control` call. */
  readonly controls: MockControls;
  /** The mock's own clock (oidc-provider reads it inside `clock.run`: each request and each control runs there). */
  readonly clock: Clock;
  /** The record of requests (also `controls.requests`). */
  readonly requests: RequestLog;
  /** The vendor's data plane (memory or MySQL), for what no control offers. */
  readonly vendorData: VendorDataPlane;
  /** Change token lifetimes for tokens issued from now on (also `controls.setLifetimes`). */
  setLifetimes(lifetimes: Partial<Lifetimes>): void;
  close(): Promise<void>;
}

/**
 * How the mock starts, and what `reset` returns it to: as strict as the
 * strict providers, so that the harness sees what a lenient one would hide.
 * Each consent makes its own grant (an old connection's tokens do not die
 * with a new one's), and a revocation ends only the token presented (a
 * client that revokes one of its two tokens leaves the other alive).
 * oidc-provider's own behaviour (one grant per account and client, revoked
 * as a whole) is a control away: `setModes({separateGrants: false, revocationScope: 'grant'})`.
 * Its ID tokens carry no profile claims, which userinfo gives (OIDC Core 5.4);
 * `setModes({idTokenProfileClaims: true})` puts them in the ID token too.
 * `setModes({revocationEndpoint: false})` makes it a provider that offers no
 * revocation (contract 5.7): none advertised, the endpoint answers 404;
 * `setModes({userinfoEndpoint: false})` one that offers no userinfo (5.3).
 */
export const defaultModes: Modes = {
  separateGrants: true,
  revocationScope: 'token',
  refreshTokenRotation: true,
  resourceBasePath: endpointPaths.resource,
  dpopNonces: false,
  apiChecks: 'enforced',
  idTokenProfileClaims: false,
  userinfoSubject: 'account',
  revocationEndpoint: true,
  userinfoEndpoint: true,
};

export async function startMockProvider(options: MockProviderOptions): Promise<MockProvider> {
  const host = options.host ?? '127.0.0.1';
  const server =
    options.server ??
    (options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer());
  if (!server.listening) {
    server.listen(options.port ?? 0, host);
    await once(server, 'listening');
  }
  const { port } = server.address() as AddressInfo;
  const issuer = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const keys = options.keys ?? (await generateSigningKeys());
  const keySet = new KeySet(keys, idTokenSigningAlgOf(options.profile ?? 'basic'));
  const clock = new Clock();
  let lifetimes: Lifetimes = defaultLifetimes;
  let modes: Modes = defaultModes;
  const storage = new MemoryStorage(clock.now);
  const vendorMysqlUrl = process.env.VENDOR_MYSQL_URL;
  const vendorData = createVendorData(options.vendorData ?? (vendorMysqlUrl ? { mysqlUrl: vendorMysqlUrl } : {}));
  const resourceIndicator = resourceIndicatorOf(issuer);
  const provider = new Provider(
    issuer,
    providerConfiguration({
      client: options.client,
      profile: options.profile,
      dpopNonces: () => modes.dpopNonces,
      keys,
      storage,
      lifetimes: () => lifetimes,
      rotation: () => modes.refreshTokenRotation,
      separateGrants: () => modes.separateGrants,
      revocationScope: () => modes.revocationScope,
      resourceIndicator,
      idTokenProfileClaims: () => modes.idTokenProfileClaims,
    }),
  );

  const dpopProofs = new DpopProofs(clock.now);
  const requests = new RequestLog();
  const faults = new Faults(issuer, () => options.client.redirect_uris);
  const tampering = new Tamperings(keySet, clock.now);
  const rateLimits = new RateLimits(clock.now);
  provider.use(endpointNaming(() => modes.resourceBasePath));
  provider.use(requests.middleware());
  provider.use(async (ctx, next) => {
    // oidc-provider's revocation and userinfo features are fixed at start: the modes hide them (contract 10.1).
    const endpoint = endpointIn(ctx);
    const hidden = { revocation: !modes.revocationEndpoint, userinfo: !modes.userinfoEndpoint };
    if ((endpoint === 'revocation' || endpoint === 'userinfo') && hidden[endpoint]) {
      ctx.status = 404;
      ctx.body = { error: 'invalid_request', error_description: `this provider offers no ${endpoint} endpoint` };
      return;
    }
    await next();
    if (
      endpoint === 'discovery' &&
      (hidden.revocation || hidden.userinfo) &&
      ctx.body &&
      typeof ctx.body === 'object'
    ) {
      // revocation_endpoint and its revocation_endpoint_auth_* companions (RFC 8414 2); userinfo_endpoint and its
      // userinfo_* companions (OIDC Discovery 3).
      const left = [...(hidden.revocation ? ['revocation_endpoint'] : []), ...(hidden.userinfo ? ['userinfo_'] : [])];
      const advertised = Object.entries(ctx.body as Record<string, unknown>);
      ctx.body = Object.fromEntries(advertised.filter(([name]) => !left.some((prefix) => name.startsWith(prefix))));
    }
  });
  provider.use(rateLimits.middleware());
  provider.use(faults.middleware());
  provider.use(tampering.middleware());
  provider.use(async (ctx, next) => {
    if (endpointIn(ctx) === 'revocation' && modes.revocationScope === 'token') await oneTokenRevocation.run(true, next);
    else await next();
  });
  provider.use(
    userinfo(provider, {
      clientId: options.client.client_id,
      audience: resourceIndicator,
      issuer,
      proofs: dpopProofs,
      dpopNonces: () => modes.dpopNonces,
      subject: () => modes.userinfoSubject,
    }),
  );
  provider.use(interactionRoutes(provider, { separateGrants: () => modes.separateGrants }).routes());
  provider.use(
    resourceApi(provider, {
      basePath: () => modes.resourceBasePath,
      clientId: options.client.client_id,
      audience: resourceIndicator,
      issuer,
      proofs: dpopProofs,
      dpopNonces: () => modes.dpopNonces,
      data: vendorData,
      apiChecks: () => modes.apiChecks,
    }),
  );

  const usernameOf = (accountId: string | undefined) =>
    demoAccounts.find((account) => subjectOf(account.username) === accountId)?.username;

  const tokenState = async (value: string): Promise<TokenState> => {
    const accessToken = await provider.AccessToken.find(value);
    const token = accessToken ?? (await provider.RefreshToken.find(value));
    if (!token) return { active: false };
    return {
      active: token.isValid,
      kind: accessToken ? 'access_token' : 'refresh_token',
      username: usernameOf(token.accountId),
      clientId: token.clientId,
      scopes: (token.scope ?? '').split(' ').filter(Boolean),
      expiresAt: token.exp,
    };
  };
  const setModes = (change: Partial<Modes>): Modes => {
    modes = { ...modes, ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)) };
    return modes;
  };
  const clockState = () => ({
    now: new Date(clock.now()).toISOString(),
    advancedSeconds: clock.advancedMs / 1000,
    skewSeconds: clock.skewMs / 1000,
  });

  // The behaviour of each control of control-table.ts, given its input parsed; each runs on the mock's clock.
  const behaviours: MockControls = {
    about: () => ({
      issuer,
      client: { client_id: options.client.client_id, redirect_uris: [...options.client.redirect_uris] },
      resourceBaseUrl: `${issuer}${modes.resourceBasePath}`,
      endpoints: { ...endpointPaths, resource: modes.resourceBasePath },
      modes,
      controls: [...controlCalls],
    }),
    reset() {
      vendorData.clearRefusals();
      faults.clear();
      rateLimits.clear();
      tampering.clear();
      keySet.reset();
      lifetimes = defaultLifetimes;
      modes = defaultModes;
      clock.reset();
      requests.clear();
    },
    requests: ({ endpoint }) => ({ requests: endpoint ? requests.to(endpoint) : requests.requests }),
    clearRequests: () => requests.clear(),
    failNext({ endpoint, ...fault }) {
      faults.failNext(endpoint, fault);
      return { endpoint, pending: faults.pending(endpoint) };
    },
    pendingFaults: ({ endpoint }) => ({ endpoint, pending: faults.pending(endpoint) }),
    clearFaults: () => faults.clear(),
    releaseHeld: ({ endpoint }) => ({ endpoint, released: faults.release(endpoint) }),
    setRateLimit({ endpoint, ...limit }) {
      rateLimits.set(endpoint, limit);
      return { endpoint, ...limit };
    },
    clearRateLimits: () => rateLimits.clear(),
    tamperNextTokenResponse({ changes }) {
      tampering.tamperNext(changes);
      return { pending: tampering.pending };
    },
    pendingTamperings: () => ({ pending: tampering.pending }),
    clearTamperings: () => tampering.clear(),
    keys: () => ({ keys: keySet.list() }),
    rotateSigningKey: async () => ({ key: await keySet.rotate() }),
    withdrawKey({ kid }) {
      const key = keySet.withdraw(kid);
      if (!key) throw new ControlRefused(404, 'unknown_key', 'the provider has no key with that kid');
      return { key };
    },
    serveSingleKeyWithoutKid: () => keySet.serveSingleKeyWithoutKid(),
    lifetimes: () => ({ ...lifetimes }),
    setLifetimes(change) {
      lifetimes = {
        ...lifetimes,
        ...Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined)),
      };
    },
    modes: () => modes,
    setModes,
    setRefreshTokenRotation({ enabled }) {
      setModes({ refreshTokenRotation: enabled });
    },
    clock: clockState,
    changeClock(change) {
      if ('advanceSeconds' in change) clock.advance(change.advanceSeconds * 1000);
      else clock.skew(change.skewSeconds * 1000);
      return clockState();
    },
    async revokeGrants({ username }) {
      return { username, revoked: storage.revokeGrantsOf(subjectOf(username)) };
    },
    async revokeAccessToken({ token }) {
      const accessToken = await provider.AccessToken.find(token);
      if (!accessToken) throw new ControlRefused(404, 'unknown_token', 'the provider knows no such access token');
      await accessToken.destroy();
    },
    async consumeAuthorizationCode({ code }) {
      const authorizationCode = await provider.AuthorizationCode.find(code);
      if (!authorizationCode)
        throw new ControlRefused(404, 'unknown_code', 'the provider knows no such authorization code');
      await authorizationCode.consume();
    },
    tokenState: ({ token }) => tokenState(token),
    async vendorData() {
      try {
        return await vendorData.state();
      } catch {
        // The vendor's MySQL is down: said as the resource API says it, never as a 500.
        throw new ControlRefused(503, 'temporarily_unavailable', "the vendor's database is unavailable");
      }
    },
  };
  const controls = onClock(clock, behaviours);

  // Koa composes its middleware when the handler is made: every `use` comes before this.
  let handler: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;

  const mock: MockProvider = {
    issuer,
    provider,
    client: options.client,
    profile: options.profile ?? 'basic',
    controls,
    clock,
    requests,
    vendorData,
    setLifetimes: (change) => void controls.setLifetimes(change),
    async close() {
      server.off('request', handler);
      dpopProofs.close();
      server.closeAllConnections();
      server.close();
      await Promise.all([once(server, 'close'), vendorData.close()]);
    },
  };
  if (options.controlApi) provider.use(controlApi(controls, port));
  const callback = provider.callback();
  handler = (request, response) => void clock.run(() => callback(request, response));
  server.on('request', handler);
  return mock;
}

/** Each behaviour run on the mock's clock (what oidc-provider reads from `Date` inside it is that clock: clock.ts). */
function onClock(clock: Clock, behaviours: MockControls): MockControls {
  return Object.fromEntries(
    Object.entries(behaviours).map(([name, behaviour]: [string, (input: never) => unknown]) => [
      name,
      (input: never) => clock.run(() => behaviour(input)),
    ]),
  ) as MockControls;
}
