/**
 * The World: fresh per scenario. It runs the mock provider and the
 * integration on ephemeral loopback ports inside the test process, and gives
 * each person in a scenario their own browser (a user agent with its own
 * cookies). Steps speak in tasks (sign in, start connecting, approve at the
 * provider, deliver the callback); the HTTP detail lives here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setWorldConstructor, World, type IWorldOptions } from '@cucumber/cucumber';
import type { Logger } from 'pino';
import type { Page } from 'playwright-core';
import { createLogger } from '../../src/observability/logger';
import { tokenContext } from '../../src/connection';
import { TokenCipher } from '../../src/crypto/token-cipher';
import { loadConfig, type Config, type Environment } from '../../src/config';
import { generateKeyRingValue } from '../../src/crypto/key-ring';
import { createIntegration } from '../../src/app';
import type { Integration } from '../../src/context';
import { startIntegration, type RunningIntegration } from '../../src/server';
import type { LimiterFactory } from '../../src/http/rate-limits';
import { MemoryStore } from '../../src/store/memory-store';
import { MySqlStore } from '../../src/store/mysql/mysql-store';
import type { Connection, Store } from '../../src/store/store';
import { ThrowawayDatabase as ScenarioDatabase } from '../../dev/throwaway-database';
import { tlsMaterial, type CertificateKind } from './tls';
import { demoAccounts, startMockProvider, type MockProvider } from '../../mock-provider';
import type { SigningKey } from '../../mock-provider/keys';
import { formWith, type HtmlForm } from './html-forms';
import { Clock } from '../../mock-provider/clock';
import { UserAgent, type HttpResponse } from './user-agent';

export interface Actor {
  readonly name: string;
  readonly agent: UserAgent;
  /** The provider URL the last `/connect` redirected to. */
  authorizationUrl?: string;
  /** The callback URL the provider sent the browser back with. */
  callbackUrl?: string;
  /** The last response the actor saw from the integration. */
  response?: HttpResponse;
  /** The last page the actor saw at the provider. */
  providerPage?: HttpResponse;
}

export type Decision = 'approve' | 'deny';

export interface ProcessResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A script of the project (as its npm script runs it) in a child process, with only PATH and the given variables. */
function spawnScript(script: string, environment: Environment): ChildProcess {
  const inherited = ['PATH', 'NODE_V8_COVERAGE', 'HOME'];
  const env = Object.fromEntries(inherited.filter((name) => process.env[name]).map((name) => [name, process.env[name]]));
  return spawn(process.execPath, ['--require', 'ts-node/register', script], {
    cwd: join(__dirname, '..', '..'),
    env: { ...env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

let sharedKeys: Promise<SigningKey[]> | undefined;
export function setSharedKeys(keys: Promise<SigningKey[]>): void {
  sharedKeys = keys;
}

export class ConformanceWorld extends World {
  readonly clock = new Clock();
  readonly actors = new Map<string, Actor>();
  mock!: MockProvider;
  /** Child processes a scenario started; killed when it ends. */
  readonly processes: ChildProcess[] = [];
  private integrationServer!: Server;
  integration!: RunningIntegration;
  config!: Config;
  /** The environment the integration was configured with (for restarts with changes). */
  environment: Environment = {};
  /** The last response any person saw from the integration. */
  lastResponse: HttpResponse | undefined;
  /** How many token requests the provider had received when the last callback was delivered. */
  tokenRequestsBeforeLastDelivery = 0;
  /** The browser page of an @browser scenario. */
  page: Page | undefined;
  /** The person named last, for pronouns. */
  lastPerson: string | undefined;
  /** Values a step remembers for a later step of the same scenario. */
  readonly notes = new Map<string, unknown>();

  constructor(options: IWorldOptions) {
    super(options);
  }

  /** Start the mock and the integration; `change` alters the integration's environment. */
  /** The certificate the mock presents in an @https scenario (the harness trusts the test CA). */
  tls: CertificateKind | undefined;

  async start(options: { tls?: CertificateKind } = {}): Promise<void> {
    this.tls = options.tls;
    const integrationServer = createServer();
    integrationServer.listen(0, '127.0.0.1');
    await once(integrationServer, 'listening');
    this.integrationServer = integrationServer;
    const port = (integrationServer.address() as AddressInfo).port;
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    const client = {
      client_id: 'mysql-integration',
      client_secret: randomBytes(24).toString('base64url'),
      redirect_uris: [redirectUri],
    };
    this.mock = await startMockProvider({
      client,
      keys: sharedKeys ? await sharedKeys : undefined,
      ...(this.tls ? { tls: tlsMaterial().certificates[this.tls] } : {}),
    });
    this.environment = {
      ISSUER_URL: this.mock.issuer,
      CLIENT_ID: client.client_id,
      CLIENT_SECRET: client.client_secret,
      REDIRECT_URI: redirectUri,
      TOKEN_ENCRYPTION_KEYS: generateKeyRingValue('k1'),
      SESSION_KEYS: randomBytes(32).toString('base64url'),
      PORT: String(port),
      LOG_LEVEL: 'debug',
      // Retries stay on, with short waits: the suite checks that they happen, not how long they take.
      PROVIDER_RETRY_BASE_MS: '5',
      PROVIDER_RETRY_MAX_MS: '20',
      ...(this.tls ? { PROVIDER_CA_FILE: tlsMaterial().caFile } : {}),
    };
    if (this.storeKind === 'mysql') {
      this.database = await ScenarioDatabase.create();
      this.environment.MYSQL_URL = this.database.url;
    }
    await this.startIntegration();
  }

  /** The store profile of this run: `memory` (default) or `mysql` (cucumber's worldParameters). */
  get storeKind(): 'memory' | 'mysql' {
    return (this.parameters as { store?: string }).store === 'mysql' ? 'mysql' : 'memory';
  }

  /** The scenario's own MySQL database, in the mysql profile. */
  database: ScenarioDatabase | undefined;

  /** A store for an integration instance: in the mysql profile each instance has its own pool on the scenario's database. */
  async newStore(url?: string): Promise<{ store: Store; limiterFactory?: LimiterFactory }> {
    if (this.storeKind === 'memory') return { store: new MemoryStore(this.clock.now) };
    this.database ??= await ScenarioDatabase.create();
    const store = new MySqlStore(url ?? this.database.url, this.clock.now, { connectionLimit: 5 });
    this.stores.push(store);
    return { store, limiterFactory: store.limiterFactory() };
  }

  private readonly stores: Store[] = [];

  private async startIntegration(opened?: { store: Store; limiterFactory?: LimiterFactory }): Promise<void> {
    this.config = loadConfig(this.environment);
    const { store, limiterFactory } = opened ?? (await this.newStore());
    this.integration = await startIntegration(this.config, {
      store,
      limiterFactory,
      server: this.integrationServer,
      now: this.clock.now,
      logger: this.logger(),
      defaultMetrics: false,
    });
  }

  /** Every log line the integration writes in this scenario, as written (JSON). */
  readonly logLines: string[] = [];

  /** A logger for an in-process integration: every line kept for the scenario's checks, and echoed when HARNESS_LOG_LEVEL asks. */
  logger(): Logger {
    const echo = process.env.HARNESS_LOG_LEVEL;
    return createLogger(this.config.logLevel, {
      write: (line: string) => {
        this.logLines.push(line);
        if (echo) process.stderr.write(line);
      },
    });
  }

  /** Restart the mock on its port, presenting another certificate (the integration is left as it is). */
  async presentCertificate(kind: CertificateKind): Promise<void> {
    const port = Number(new URL(this.mock.issuer).port);
    const client = this.mock.client;
    await this.mock.close();
    this.mock = await startMockProvider({ client, port, keys: sharedKeys ? await sharedKeys : undefined, tls: tlsMaterial().certificates[kind] });
  }

  /** A second instance of the integration sharing this one's store and configuration (no HTTP server of its own). */
  async secondInstance(): Promise<Integration> {
    const { store, limiterFactory } =
      this.storeKind === 'mysql' ? await this.newStore() : { store: this.integration.integration.store, limiterFactory: undefined };
    return createIntegration(this.config, { store, limiterFactory, now: this.clock.now, logger: this.logger(), defaultMetrics: false });
  }

  /** Restart the integration on the same port and store, with a changed environment. */
  async reconfigure(change: Environment): Promise<void> {
    this.integration.detach();
    this.environment = { ...this.environment, ...change };
    await this.startIntegration(this.openedStore);
  }

  /**
   * Restart the in-process integration as a new process would: a fresh
   * instance with its own store connection (the same database, through
   * `url` when given), nothing kept in memory but what the store holds.
   */
  async restartIntegration(url?: string): Promise<void> {
    if (this.storeKind !== 'mysql') throw new Error('a restart keeps nothing with the in-memory store: tag the scenario @mysql');
    this.integration.detach();
    await this.startIntegration(await this.newStore(url));
  }

  /** A second instance behind its own port, sharing the scenario's database (the mysql profile). */
  async startSecondServer(): Promise<RunningIntegration> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { store, limiterFactory } = await this.newStore();
    const second = await startIntegration(this.config, { store, limiterFactory, server, now: this.clock.now, logger: this.logger(), defaultMetrics: false });
    this.cleanups.push(() => second.close());
    return second;
  }

  /** Work a scenario leaves to undo when it ends (second servers, proxies). */
  readonly cleanups: Array<() => Promise<void>> = [];

  /** The stored connection as the store holds it: the raw row in MySQL, the record in memory. */
  async rawStoredConnection(name: string): Promise<string> {
    if (!this.database) return JSON.stringify(await this.storedConnection(name));
    return JSON.stringify(await this.database.query('SELECT * FROM {db}.connections WHERE user_id = ?', [ConformanceWorld.userIdOf(name)]));
  }

  /** The in-process integration's store, with its limiter factory, for a restart that keeps them. */
  private get openedStore(): { store: Store; limiterFactory?: LimiterFactory } {
    const store = this.integration.integration.store;
    return { store, limiterFactory: store instanceof MySqlStore ? store.limiterFactory() : undefined };
  }

  async stop(): Promise<void> {
    // SIGTERM, and wait: a child that exits by itself writes its coverage for c8.
    await Promise.all(
      this.processes
        .filter((child) => child.exitCode === null && child.signalCode === null)
        .map((child) => {
          child.kill('SIGTERM');
          return Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000))]);
        }),
    );
    await Promise.allSettled(this.cleanups.map((cleanup) => cleanup()));
    await Promise.allSettled([this.integration?.close(), this.mock?.close(), ...this.stores.map((store) => store.close())]);
    await this.database?.drop();
  }

  /** Run `src/main.ts` as `npm run start:integration` does, until it exits; its output and status. */
  runIntegrationProcess(environment: Environment): Promise<ProcessResult> {
    return this.runScript('src/main.ts', environment);
  }

  /** Run a script of the project until it exits; its output and status. */
  runScript(script: string, environment: Environment): Promise<ProcessResult> {
    const child = spawnScript(script, environment);
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    return new Promise((resolve) => child.on('exit', (status) => resolve({ ...output, status: status ?? -1 })));
  }

  /** Replace the in-process integration by `src/main.ts` in its own process, on the same port, configured by the environment alone. */
  async replaceIntegrationWithProcess(): Promise<void> {
    await this.integration.close();
    await this.startProcess('src/main.ts', { ...this.environment, LOG_LEVEL: 'warn' }, 'Integration listening on');
  }

  /** Start a script of the project in a child process; resolves with its output once it printed `ready`. */
  async startProcess(script: string, environment: Environment, ready: string): Promise<string> {
    const child = spawnScript(script, environment);
    this.processes.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(ready)) setTimeout(() => resolve(stdout), 50);
      });
      child.on('exit', (status) => reject(new Error(`${script} exited with ${status}: ${stderr}`)));
    });
  }

  actor(name: string): Actor {
    let actor = this.actors.get(name);
    if (!actor) {
      actor = { name, agent: new UserAgent(this.tls ? tlsMaterial().caPem : undefined) };
      this.actors.set(name, actor);
    }
    return actor;
  }

  /** Where the integration under test runs; the in-process one unless a scenario points elsewhere (the demo). */
  integrationUrl: string | undefined;

  url(path: string): string {
    return new URL(path, this.integrationUrl ?? this.integration.url).href;
  }

  /** The integration's user id of a person: their name in lower case. */
  static userIdOf(name: string): string {
    return name.toLowerCase();
  }

  /** What the store holds for a person, read as the harness (in the mysql profile, through a connection of its own). */
  async storedConnection(name: string): Promise<Connection | undefined> {
    return (await this.storeForChecks()).findConnection(ConformanceWorld.userIdOf(name));
  }

  private checkStore: Store | undefined;

  /** The store as the harness reads it: the integration's own in memory; a connection of the harness's own in MySQL. */
  async storeForChecks(): Promise<Store> {
    if (this.storeKind === 'memory') return this.integration.integration.store;
    this.checkStore ??= (await this.newStore()).store;
    return this.checkStore;
  }

  /** The tokens stored for a person, decrypted (the harness holds the key ring). */
  async storedTokens(name: string): Promise<{ accessToken: string; refreshToken?: string }> {
    const connection = await this.storedConnection(name);
    if (!connection) throw new Error(`${name} has no stored connection`);
    const cipher = new TokenCipher(this.config.tokenEncryptionKeys);
    const userId = ConformanceWorld.userIdOf(name);
    return {
      accessToken: cipher.decrypt(connection.sealedAccessToken, tokenContext(userId, 'access_token')),
      refreshToken: connection.sealedRefreshToken && cipher.decrypt(connection.sealedRefreshToken, tokenContext(userId, 'refresh_token')),
    };
  }

  // ---- tasks ----

  async signIn(name: string): Promise<void> {
    const actor = this.actor(name);
    actor.response = await actor.agent.post(this.url('/session'), { username: ConformanceWorld.userIdOf(name) });
    if (actor.response.statusCode !== 303) throw new Error(`sign-in failed: ${actor.response.statusCode} ${actor.response.body}`);
  }

  /** `GET /connect`; on a redirect to the provider, remember where it points. */
  async startConnecting(name: string, returnTo?: string): Promise<HttpResponse> {
    const actor = this.actor(name);
    const query = returnTo === undefined ? '' : `?return_to=${encodeURIComponent(returnTo)}`;
    actor.response = await actor.agent.get(this.url(`/connect${query}`));
    this.lastResponse = actor.response;
    if (actor.response.statusCode === 302) actor.authorizationUrl = UserAgent.location(actor.response);
    return actor.response;
  }

  private isCallback(url: URL): boolean {
    return `${url.origin}${url.pathname}` === new URL('/callback', this.integrationUrl ?? this.config.redirectUri).href;
  }

  /**
   * Visit the authorization URL and go through the provider's pages: sign in
   * as `account` (unless already signed in there), then approve or deny.
   * Stops when the provider sends the browser back to the callback, and
   * returns that URL without delivering it.
   */
  async authorizeAtProvider(name: string, account: string, decision: Decision = 'approve', password?: string): Promise<string> {
    const actor = this.actor(name);
    if (!actor.authorizationUrl) throw new Error(`${name} has not started connecting`);
    let step: HttpResponse | URL = await actor.agent.followRedirects(await actor.agent.get(actor.authorizationUrl), (url) => this.isCallback(url));
    for (let page = 0; page < 4 && !(step instanceof URL); page += 1) {
      actor.providerPage = step;
      const body = step.body;
      let form: HtmlForm;
      let submission: Record<string, string>;
      if (/name="password"/.test(body)) {
        form = formWith(body, step.url, 'password');
        const known = demoAccounts.find((candidate) => candidate.username === account);
        submission = { username: account, password: password ?? known?.password ?? '' };
      } else if (/name="decision"/.test(body)) {
        form = formWith(body, step.url, 'decision');
        submission = { decision };
      } else {
        throw new Error(`unexpected provider page (${step.statusCode}):\n${body.slice(0, 1500)}`);
      }
      const answer = await actor.agent.post(form.action, { ...Object.fromEntries(form.fields), ...submission });
      if (answer.statusCode === 401 && password !== undefined) {
        actor.providerPage = answer;
        return '';
      }
      step = await actor.agent.followRedirects(answer, (url) => this.isCallback(url));
    }
    if (!(step instanceof URL)) throw new Error('the provider never sent the browser back');
    actor.callbackUrl = step.href;
    return step.href;
  }

  /** The browser arrives at the callback URL. */
  async deliverCallback(name: string, url: string): Promise<HttpResponse> {
    const actor = this.actor(name);
    this.tokenRequestsBeforeLastDelivery = this.mock.requests.to('token').length;
    actor.response = await actor.agent.get(url);
    this.lastResponse = actor.response;
    return actor.response;
  }

  /** A GET of the integration's API (or any page) as the person; the response is theirs and the World's last. */
  async callApi(name: string, path: string): Promise<HttpResponse> {
    const actor = this.actor(name);
    actor.response = await actor.agent.get(this.url(path), { accept: 'application/json' });
    this.lastResponse = actor.response;
    return actor.response;
  }

  /** The whole flow: sign in (if needed), connect, approve as `account`, deliver the callback. */
  async connect(name: string, account: string): Promise<HttpResponse> {
    if (!this.actors.has(name)) await this.signIn(name);
    await this.startConnecting(name);
    const callbackUrl = await this.authorizeAtProvider(name, account);
    return this.deliverCallback(name, callbackUrl);
  }
}

setWorldConstructor(ConformanceWorld);
