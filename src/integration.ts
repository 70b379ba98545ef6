/**
 * The one place that builds the integration: each service from exactly what
 * it needs, in dependency order. No service is handed this object; only the
 * app (./app.ts), the server (./server.ts) and the harness read it.
 */
import type { Logger } from 'pino';

import type { Config } from './config';
import { type CompleteAuthorization, completeAuthorization } from './connections/complete-authorization';
import { type DisconnectUser, disconnectUser } from './connections/disconnect';
import { RevocationQueue } from './connections/revocation-queue';
import { TokenManager } from './connections/token-manager';
import { TokenCipher } from './crypto/token-cipher';
import { ProviderClient } from './http/provider-client';
import { type LimiterFactory, RateLimiter } from './http/rate-limits';
import { DemoSignIn } from './identity/demo-sign-in';
import type { Identity } from './identity/identity';
import { TrustedHeaderIdentity } from './identity/trusted-header';
import { AuthorizationRedirect } from './oauth/authorization-redirect';
import { ClientAssertions } from './oauth/client-assertion';
import { type ClientAuthentication, clientAuthentication } from './oauth/client-authentication';
import { Discovery } from './oauth/discovery';
import { DpopNonces } from './oauth/dpop';
import { JwksCache } from './oauth/jwks';
import { createLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { TestHooks } from './routes/test-hooks';
import { MemoryStore } from './store/memory-store';
import type { Store } from './store/store';
import { VendorApi } from './vendor-api/vendor-api';

export interface IntegrationOptions {
  store?: Store;
  logger?: Logger;
  now?: () => number;
  /** Where the rate limiter keeps its counters (in memory by default). */
  limiterFactory?: LimiterFactory;
  /** Collect the process-wide default metrics (CPU, memory, event loop); on by default. */
  defaultMetrics?: boolean;
  /** With TEST_HOOKS=true: the hooks' clock and kept log lines (made here when not given; contract 9.1). */
  testHooks?: TestHooks;
}

export interface Integration {
  readonly config: Config;
  /** Epoch milliseconds; a test can move it. */
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly store: Store;
  /** Who the user of a request is: the demo sign-in, or the host product's trusted header. */
  readonly identity: Identity;
  readonly http: ProviderClient;
  readonly discovery: Discovery;
  readonly jwks: JwksCache;
  /** The client's own keys (private_key_jwt), whose public parts /jwks.json serves. */
  readonly clientAssertions: ClientAssertions | undefined;
  /** How the client authenticates at the provider's back-channel endpoints. */
  readonly clientAuthentication: ClientAuthentication;
  /** The authorization URL, or a pushed authorization request's reference (RFC 9126). */
  readonly authorizationRedirect: AuthorizationRedirect;
  /** The servers' last DPoP nonces (RFC 9449), shared by every connection. */
  readonly dpopNonces: DpopNonces;
  readonly cipher: TokenCipher;
  readonly rateLimiter: RateLimiter;
  readonly tokens: TokenManager;
  readonly vendorApi: VendorApi;
  readonly revocations: RevocationQueue;
  /** The callback's service: the code exchanged, its answer checked, the connection stored in place of the old one. */
  readonly completeAuthorization: CompleteAuthorization;
  /** The disconnect's service: the connection forgotten, its tokens revoked. */
  readonly disconnectUser: DisconnectUser;
  /** The integration's own origin (from REDIRECT_URI). */
  readonly origin: string;
  /** The test hooks of contract 9.1, only with TEST_HOOKS=true. */
  readonly testHooks: TestHooks | undefined;
}

function identityFor(config: Config, store: Store, now: () => number): Identity {
  return config.identity.kind === 'demo'
    ? new DemoSignIn(store, now)
    : new TrustedHeaderIdentity(config.identity.header, config.identity.proxyAddresses);
}

export function createIntegration(config: Config, options: IntegrationOptions = {}): Integration {
  // In test mode every service and the store read the hooks' clock (contract 9.1), and the log lines are kept.
  const testHooks = config.testHooks ? (options.testHooks ?? new TestHooks(options.now)) : undefined;
  const now = testHooks?.now ?? options.now ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel, testHooks?.logDestination());
  const metrics = new Metrics({ defaultMetrics: options.defaultMetrics });
  const store = options.store ?? new MemoryStore(now);
  const identity = identityFor(config, store, now);
  const http = new ProviderClient({
    timeoutMs: config.providerTimeoutMs,
    attempts: config.providerRetryAttempts,
    baseDelayMs: config.providerRetryBaseMs,
    maxDelayMs: config.providerRetryMaxMs,
    retryAfterCapSeconds: config.providerRetryAfterCapSeconds,
    certificateAuthority: config.providerCa,
    observe: (endpoint, status, seconds) => metrics.providerLatency.observe({ endpoint, status }, seconds),
  });
  const discovery = new Discovery(config.issuer, http, config.discoveryTtlSeconds * 1000, now);
  const jwks = new JwksCache(http, now);
  const clientAssertions =
    config.clientAuthMethod === 'private_key_jwt' && config.clientSigningKeys
      ? new ClientAssertions(config.clientSigningKeys, config.clientId, now)
      : undefined;
  const clientAuth = clientAuthentication(config, clientAssertions, {
    now,
    rotationWindowMs: config.clientKeyRotationWindowSeconds * 1000,
    onOlderKey: (refused, used) => {
      metrics.clientKeyFallbacks.inc();
      logger.warn(
        { refusedKeyId: refused, keyId: used },
        'the provider refused the newest client key (invalid_client): signed with the older one, for a minute (has it fetched /jwks.json since the rotation?)',
      );
    },
  });
  const authorizationRedirect = new AuthorizationRedirect({ config, http, clientAuthentication: clientAuth });
  const cipher = new TokenCipher(config.tokenEncryptionKeys);
  const rateLimiter = new RateLimiter(config.rateLimits, metrics, identity, options.limiterFactory);
  const revocations = new RevocationQueue({
    config,
    store,
    cipher,
    discovery,
    http,
    clientAuthentication: clientAuth,
    logger,
    now,
  });
  const dpopNonces = new DpopNonces();
  const tokens = new TokenManager({
    config,
    store,
    cipher,
    discovery,
    http,
    clientAuthentication: clientAuth,
    dpopNonces,
    jwks,
    metrics,
    logger,
    now,
    revocations,
  });
  const vendorApi = new VendorApi({ apiBaseUrl: config.apiBaseUrl, http, tokens });
  const completion = {
    config,
    store,
    revocations,
    http,
    clientAuthentication: clientAuth,
    dpopNonces,
    jwks,
    cipher,
    logger,
    now,
  };
  return {
    config,
    now,
    logger,
    metrics,
    store,
    identity,
    http,
    discovery,
    jwks,
    clientAssertions,
    clientAuthentication: clientAuth,
    authorizationRedirect,
    dpopNonces,
    cipher,
    rateLimiter,
    tokens,
    vendorApi,
    revocations,
    completeAuthorization: (authorization) => completeAuthorization(completion, authorization),
    disconnectUser: (userId) => disconnectUser({ store, revocations, cipher, logger, now }, userId),
    origin: new URL(config.redirectUri).origin,
    testHooks,
  };
}
