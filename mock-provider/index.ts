/**
 * The mock provider: the managed-MySQL vendor's authorization server
 * (oidc-provider), its pages, and the controls a test uses to make it
 * misbehave on purpose. `startMockProvider` runs it on a loopback port.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';
import { subjectOf } from './accounts';
import { MemoryStorage } from './adapter';
import { defaultLifetimes, providerConfiguration, type ClientRegistration, type Lifetimes } from './configuration';
import { Faults } from './faults';
import { interactionRoutes } from './interactions';
import { generateSigningKeys, type SigningKey } from './keys';
import type { Clock } from './clock';
import { controlApiRoutes } from './control-api';
import { RateLimits } from './rate-limits';
import { RequestLog } from './request-log';
import { resourceApiRoutes } from './resource-api';
import { Tamperings } from './tampering';

export type { ClientRegistration } from './configuration';
export type { Endpoint } from './endpoints';
export type { Fault } from './faults';
export type { RecordedRequest } from './request-log';
export { demoAccounts } from './accounts';

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
  /** Serve the `/__control` HTTP API (loopback only): for the mock run alone, never in the harness. */
  controlApi?: { clock: Clock };
}

export interface MockProvider {
  readonly issuer: string;
  readonly provider: Provider;
  readonly client: ClientRegistration;
  readonly requests: RequestLog;
  readonly faults: Faults;
  readonly tampering: Tamperings;
  readonly rateLimits: RateLimits;
  /** Change token lifetimes for tokens issued from now on. */
  setLifetimes(lifetimes: Partial<Lifetimes>): void;
  /** Turn refresh token rotation on (the default) or off. */
  setRefreshTokenRotation(on: boolean): void;
  /** Revoke every grant of a vendor account, as the vendor's own "revoke access" page would: all its tokens die. */
  revokeGrants(username: string): Promise<number>;
  /** Revoke one access token early, as a vendor may (its grant and refresh token live on). */
  revokeAccessToken(token: string): Promise<void>;
  /** Mark an authorization code as already redeemed, as if someone else had used it first. */
  consumeAuthorizationCode(code: string): Promise<void>;
  close(): Promise<void>;
}

export async function startMockProvider(options: MockProviderOptions): Promise<MockProvider> {
  const host = options.host ?? '127.0.0.1';
  const server = options.server ?? (options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }) : createServer());
  if (!server.listening) {
    server.listen(options.port ?? 0, host);
    await once(server, 'listening');
  }
  const { port } = server.address() as AddressInfo;
  const issuer = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const keys = options.keys ?? (await generateSigningKeys());
  let lifetimes: Lifetimes = defaultLifetimes;
  let rotation = true;
  const storage = new MemoryStorage();
  const provider = new Provider(issuer, providerConfiguration({ client: options.client, keys, storage, lifetimes: () => lifetimes, rotation: () => rotation }));

  const requests = new RequestLog();
  const faults = new Faults(issuer, () => options.client.redirect_uris);
  const tampering = new Tamperings(keys);
  const rateLimits = new RateLimits();
  provider.use(requests.middleware());
  provider.use(rateLimits.middleware());
  provider.use(faults.middleware());
  provider.use(tampering.middleware());
  provider.use(interactionRoutes(provider).routes());
  provider.use(resourceApiRoutes(provider).routes());

  // Koa composes its middleware when the handler is made: every `use` comes before this.
  let handler: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;

  const mock: MockProvider = {
    issuer,
    provider,
    client: options.client,
    requests,
    faults,
    tampering,
    rateLimits,
    setLifetimes(change) {
      lifetimes = { ...lifetimes, ...change };
    },
    setRefreshTokenRotation(on) {
      rotation = on;
    },
    async revokeGrants(username) {
      return storage.revokeGrantsOf(subjectOf(username));
    },
    async revokeAccessToken(token) {
      const accessToken = await provider.AccessToken.find(token);
      if (!accessToken) throw new Error('no such access token');
      await accessToken.destroy();
    },
    async consumeAuthorizationCode(code) {
      const authorizationCode = await provider.AuthorizationCode.find(code);
      if (!authorizationCode) throw new Error('no such authorization code');
      await authorizationCode.consume();
    },
    async close() {
      server.off('request', handler);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  if (options.controlApi) provider.use(controlApiRoutes(mock, options.controlApi.clock).routes());
  const callback = provider.callback();
  handler = (request, response) => void callback(request, response);
  server.on('request', handler);
  return mock;
}
