/**
 * Our integration (src/) started inside the test process for one scenario,
 * on a loopback port, with a store of its own (in memory, or a throwaway
 * MySQL database in the mysql profile). Besides the driver interface it
 * offers what only our own integration can: its configuration, restarts
 * with a changed environment, second instances on the same store, the
 * store itself (store-probe.ts) and every log line it wrote.
 */
import type { Server } from 'node:http';

import type { Logger } from 'pino';

import type { ClientRegistration } from '../../mock-provider';
import { Clock } from '../../mock-provider/clock';
import { type Config, type Environment, loadConfig } from '../../src/config';
import type { LimiterFactory } from '../../src/http/rate-limits';
import type { Integration } from '../../src/integration';
import { createIntegration } from '../../src/integration';
import { createLogger } from '../../src/observability/logger';
import { type RunningIntegration, startIntegration } from '../../src/server';
import { MemoryStore } from '../../src/store/memory-store';
import { MySqlStore } from '../../src/store/mysql/mysql-store';
import type { Store } from '../../src/store/store';
import { callbackOf, integrationEnvironment, listeningOnLoopback } from '../../testkit/local-system';
import { ThrowawayDatabase } from '../../testkit/throwaway-database';
import { type Capabilities, type IntegrationDriver, missingCapability } from './integration-driver';
import type { Settings } from './settings';
import { StoreProbe } from './store-probe';

export type StoreKind = 'memory' | 'mysql';

interface OpenedStore {
  readonly store: Store;
  readonly limiterFactory?: LimiterFactory;
}

/** Where the provider is, and the integration's registration there. */
export interface Registration {
  readonly issuer: string;
  readonly client: ClientRegistration;
}

export class InProcessIntegration implements IntegrationDriver {
  readonly kind = 'in-process';
  /** The integration's own clock (the mock has another): `World.timePasses` moves both. */
  readonly clock = new Clock();
  /** Every log line the integration wrote in this scenario, as written (JSON). */
  readonly writtenLogLines: string[] = [];
  /** Work to undo when the scenario ends (second servers). */
  private readonly cleanups: Array<() => Promise<void>> = [];
  private readonly stores: Store[] = [];
  private checkStore: Store | undefined;
  running!: RunningIntegration;
  config!: Config;
  /** The environment the integration was configured with (restarts apply changes to it). */
  environment: Environment = {};
  /** The scenario's MySQL database, in the mysql profile: its alone while it runs, shared by all its instances. */
  database: ThrowawayDatabase | undefined;

  /**
   * Whether the next scenario's database is one of its own (a scenario that
   * tests the migrations, tagged @migrations, set by a Before hook) rather
   * than an emptied one from the pool (testkit/throwaway-database.ts).
   */
  static ownDatabaseForNext = false;
  private readonly ownDatabase = InProcessIntegration.ownDatabaseForNext;

  private scenarioDatabase(): Promise<ThrowawayDatabase> {
    return this.ownDatabase ? ThrowawayDatabase.create() : ThrowawayDatabase.take();
  }

  private constructor(
    private readonly server: Server,
    readonly storeKind: StoreKind,
  ) {
    InProcessIntegration.ownDatabaseForNext = false;
  }

  /** Take a loopback port first: the redirect URI registered at the provider names it. */
  static async listen(storeKind: StoreKind): Promise<InProcessIntegration> {
    return new InProcessIntegration(await listeningOnLoopback(), storeKind);
  }

  /** The redirect URI to register at the provider: the callback on this port. */
  get redirectUri(): string {
    return callbackOf(this.server);
  }

  /**
   * Start the integration against the provider it is registered with; `environment` adds settings (the FAPI 2.0 ones).
   */
  async start(provider: Registration, options: { caFile?: string; environment?: Environment } = {}): Promise<void> {
    this.environment = integrationEnvironment(provider, {
      IDENTITY: 'demo',
      LOG_LEVEL: 'debug',
      // Retries stay on, with short waits: the suite checks that they happen, not how long they take.
      PROVIDER_RETRY_BASE_MS: '5',
      PROVIDER_RETRY_MAX_MS: '20',
      ...(options.caFile ? { PROVIDER_CA_FILE: options.caFile } : {}),
      ...options.environment,
    });
    if (this.storeKind === 'mysql') {
      this.database = await this.scenarioDatabase();
      this.environment.MYSQL_URL = this.database.url;
    }
    await this.serve(await this.newStore());
  }

  private async serve(opened: OpenedStore): Promise<void> {
    this.config = loadConfig(this.environment);
    this.running = await startIntegration(this.config, {
      store: opened.store,
      limiterFactory: opened.limiterFactory,
      server: this.server,
      now: this.clock.now,
      logger: this.logger(),
      defaultMetrics: false,
    });
  }

  get integration(): Integration {
    return this.running.integration;
  }

  get baseUrl(): string {
    return `${this.running.url}/`;
  }

  get settings(): Settings {
    return {
      redirectUri: this.config.redirectUri,
      refreshMarginSeconds: this.config.refreshMarginSeconds,
      providerTimeoutMs: this.config.providerTimeoutMs,
      pendingAuthorizationTtlSeconds: this.config.pendingAuthorizationTtlSeconds,
      revocationRetryIntervalSeconds: this.config.revocationRetryIntervalSeconds,
      scopes: this.config.scopes,
      rateLimits: this.environment.RATE_LIMITS,
      // Contract 5.8: FAPI 2.0 is PAR, DPoP and private_key_jwt together.
      securityProfile:
        this.config.pushedAuthorizationRequests &&
        this.config.dpop &&
        this.config.clientAuthMethod === 'private_key_jwt'
          ? 'fapi2'
          : 'basic',
      clientJwksUri: new URL('/jwks.json', this.config.redirectUri).href,
    };
  }

  /**
   * Ours offers everything, until a process of its own serves in its place: it can no longer be restarted from
   * here, and its store stays in the harness's reach only in MySQL (the memory store went with the closed server).
   */
  get capabilities(): Capabilities {
    return {
      clock: true,
      'revocation-queue': true,
      logs: true,
      metrics: true,
      store: !(this.replacedByProcess && this.storeKind === 'memory'),
      restarts: !this.replacedByProcess,
    };
  }

  store(): StoreProbe {
    if (!this.capabilities.store) throw missingCapability('store');
    return new StoreProbe(this);
  }

  async advanceClock(seconds: number): Promise<void> {
    this.clock.advance(seconds * 1000);
  }

  async retryRevocations(): Promise<number> {
    const before = (await (await this.storeForChecks()).listRevocations()).length;
    await this.integration.revocations.retryDue();
    return before;
  }

  async logLines(): Promise<readonly string[]> {
    return this.writtenLogLines;
  }

  knownSecrets(): readonly string[] {
    const signingKeys = (this.config.clientSigningKeys ?? []).map((key) => String(key.privateJwk.d ?? ''));
    return [
      this.config.clientSecret,
      ...this.config.sessionKeys,
      ...[...this.config.tokenEncryptionKeys.keys.values()].map((key) => key.toString('base64url')),
      ...signingKeys,
    ].filter((secret) => secret.length > 0);
  }

  /**
   * A logger for an in-process integration: every line kept for the
   * scenario's checks, and echoed when HARNESS_LOG_LEVEL asks.
   */
  logger(): Logger {
    const echo = process.env.HARNESS_LOG_LEVEL;
    return createLogger(this.config.logLevel, {
      write: (line: string) => {
        this.writtenLogLines.push(line);
        if (echo) process.stderr.write(line);
      },
    });
  }

  /** A store for an instance: in the mysql profile each instance has its own pool on the scenario's database. */
  async newStore(url?: string): Promise<OpenedStore> {
    if (this.storeKind === 'memory') return { store: new MemoryStore(this.clock.now) };
    this.database ??= await this.scenarioDatabase();
    const store = new MySqlStore(url ?? this.database.url, this.clock.now, { connectionLimit: 5 });
    this.stores.push(store);
    return { store, limiterFactory: store.limiterFactory() };
  }

  /** The store as the harness reads it: the integration's own in memory; a connection of the harness's own in MySQL. */
  async storeForChecks(): Promise<Store> {
    if (this.storeKind === 'memory') return this.integration.store;
    this.checkStore ??= (await this.newStore()).store;
    return this.checkStore;
  }

  /** The running integration's store, with its limiter factory, for a restart that keeps them. */
  private get openedStore(): OpenedStore {
    const store = this.integration.store;
    return { store, limiterFactory: store instanceof MySqlStore ? store.limiterFactory() : undefined };
  }

  /** Restart on the same port and store, with a changed environment. */
  async reconfigure(change: Environment): Promise<void> {
    if (!this.capabilities.restarts) throw missingCapability('restarts');
    this.running.detach();
    this.environment = { ...this.environment, ...change };
    await this.serve(this.openedStore);
  }

  /**
   * Restart as a new process would: a fresh instance with its own store
   * connection (the same database, through `url` when given), nothing kept
   * in memory but what the store holds.
   */
  async restart(url?: string): Promise<void> {
    if (this.storeKind !== 'mysql')
      throw new Error('a restart keeps nothing with the in-memory store: tag the scenario @mysql');
    if (!this.capabilities.restarts) throw missingCapability('restarts');
    this.running.detach();
    await this.serve(await this.newStore(url));
  }

  /** A second instance sharing this one's store and configuration (no HTTP server of its own). */
  async secondInstance(): Promise<Integration> {
    const { store, limiterFactory } =
      this.storeKind === 'mysql' ? await this.newStore() : { store: this.integration.store, limiterFactory: undefined };
    return createIntegration(this.config, {
      store,
      limiterFactory,
      now: this.clock.now,
      logger: this.logger(),
      defaultMetrics: false,
    });
  }

  /** A second instance behind its own port, sharing the scenario's database (the mysql profile). */
  async startSecondServer(): Promise<RunningIntegration> {
    const server = await listeningOnLoopback();
    const { store, limiterFactory } = await this.newStore();
    const second = await startIntegration(this.config, {
      store,
      limiterFactory,
      server,
      now: this.clock.now,
      logger: this.logger(),
      defaultMetrics: false,
    });
    this.cleanups.push(() => second.close());
    return second;
  }

  /** Stop serving in-process, leaving the port to a process started in its place. */
  async close(): Promise<void> {
    await this.running.close();
    this.replacedByProcess = true;
  }

  /** Whether a process of its own now serves in its place (its memory store is then out of the harness's reach). */
  private replacedByProcess = false;

  onStop(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.cleanups.map((cleanup) => cleanup()));
    await Promise.allSettled([this.running?.close(), ...this.stores.map((store) => store.close())]);
    if (!this.running && this.server.listening) this.server.close();
    await this.database?.release();
    this.clock.reset();
  }
}
