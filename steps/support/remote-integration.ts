/**
 * An integration already running at INTEGRATION_URL, checked black-box
 * through the routes of the contract (docs/decisions.md,
 * `harness-routes-only`) and, where it offers them, its test hooks under
 * /__test (`harness-capabilities`). It keeps its state between scenarios:
 * the harness gives every person a username of their own
 * (`harness-unique-people`), and never restarts or reconfigures it: it
 * offers neither a store the harness reads nor restarts.
 */
import { freshConnections } from './fresh-connections';
import { got } from './http';
import {
  type Capabilities,
  type HookCapability,
  type IntegrationDriver,
  missingCapability,
} from './integration-driver';
import { declaredSettings, type Settings } from './settings';
import type { StoreProbe } from './store-probe';

/** Where the remote profile finds the integration and the mock (`harness-remote-urls`); undefined in-process. */
export function remoteTarget(): { integrationUrl: string; mockUrl: string } | undefined {
  const integrationUrl = process.env.INTEGRATION_URL;
  const mockUrl = process.env.MOCK_URL;
  if (!integrationUrl && !mockUrl) return undefined;
  if (!integrationUrl || !mockUrl) throw new Error('the remote profile needs both INTEGRATION_URL and MOCK_URL');
  return { integrationUrl, mockUrl };
}

const client = got.extend({
  throwHttpErrors: false,
  timeout: { request: 15_000 },
  followRedirect: false,
  agent: freshConnections,
});

/** What the integration offers, asked once per run: GET /__test (404: no hooks) and GET /metrics. */
let offered: Promise<ReadonlySet<HookCapability>> | undefined;

async function probe(baseUrl: string): Promise<ReadonlySet<HookCapability>> {
  const found = new Set<HookCapability>();
  const hooks = await client.get(new URL('/__test', baseUrl), { headers: { accept: 'application/json' } });
  if (hooks.statusCode === 200) {
    const listed = (JSON.parse(hooks.body) as { hooks?: unknown }).hooks;
    if (!Array.isArray(listed))
      throw new Error(`GET /__test answered 200 without a "hooks" list: ${hooks.body.slice(0, 200)}`);
    for (const hook of listed as unknown[])
      if (hook === 'clock' || hook === 'revocation-queue' || hook === 'logs') found.add(hook);
  } else if (hooks.statusCode !== 404) {
    throw new Error(`GET /__test must answer 200 with the hooks offered, or 404; it answered ${hooks.statusCode}`);
  }
  const metrics = await client.get(new URL('/metrics', baseUrl));
  if (metrics.statusCode === 200 && /^# (HELP|TYPE) /m.test(metrics.body)) found.add('metrics');
  return found;
}

export class RemoteIntegration implements IntegrationDriver {
  readonly kind = 'remote';
  readonly settings: Settings;
  /** The hooks and metrics it offers; never a store the harness reads, nor restarts (contract 9.2). */
  readonly capabilities: Capabilities;

  private constructor(
    readonly baseUrl: string,
    hooks: ReadonlySet<HookCapability>,
  ) {
    this.settings = declaredSettings(baseUrl);
    this.capabilities = {
      clock: hooks.has('clock'),
      'revocation-queue': hooks.has('revocation-queue'),
      logs: hooks.has('logs'),
      metrics: hooks.has('metrics'),
      store: false,
      restarts: false,
    };
  }

  static async connect(integrationUrl: string): Promise<RemoteIntegration> {
    const baseUrl = new URL('/', integrationUrl).href;
    offered ??= probe(baseUrl);
    return new RemoteIntegration(baseUrl, await offered);
  }

  /** The hooks and metrics the remote integration offers, for the skip hook (asked once per run). */
  static async offered(integrationUrl: string): Promise<ReadonlySet<HookCapability>> {
    offered ??= probe(new URL('/', integrationUrl).href);
    return offered;
  }

  private need(capability: HookCapability): void {
    if (!this.capabilities[capability]) throw missingCapability(capability);
  }

  /** A hook's answer (contract 9.1): any 2xx; its JSON body when the hook has one to give (`answers: 'json'`). */
  private async hook(path: string, body?: object, answers: 'json' | 'nothing' = 'json'): Promise<unknown> {
    const url = new URL(path, this.baseUrl);
    const response = body ? await client.post(url, { json: body }) : await client.get(url);
    if (response.statusCode < 200 || response.statusCode > 299)
      throw new Error(
        `${body ? 'POST' : 'GET'} ${path} answered ${response.statusCode}: ${response.body.slice(0, 300)}`,
      );
    if (answers === 'nothing') return undefined;
    try {
      return JSON.parse(response.body) as unknown;
    } catch {
      throw new Error(
        `${body ? 'POST' : 'GET'} ${path} must answer JSON (contract 9.1): ${response.body.slice(0, 300)}`,
      );
    }
  }

  async advanceClock(seconds: number): Promise<void> {
    this.need('clock');
    await this.hook('/__test/clock', { advanceSeconds: seconds }, 'nothing');
  }

  async retryRevocations(): Promise<number> {
    this.need('revocation-queue');
    const answer = (await this.hook('/__test/revocations/retry', {})) as { attempted?: unknown };
    if (typeof answer.attempted !== 'number')
      throw new Error('POST /__test/revocations/retry must answer {"attempted": n}');
    return answer.attempted;
  }

  async logLines(): Promise<readonly string[]> {
    this.need('logs');
    const answer = (await this.hook('/__test/logs')) as { lines?: unknown };
    if (!Array.isArray(answer.lines)) throw new Error('GET /__test/logs must answer {"lines": [...]}');
    return answer.lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
  }

  store(): StoreProbe {
    throw missingCapability('store');
  }

  knownSecrets(): readonly string[] {
    return [process.env.CLIENT_SECRET, process.env.SESSION_KEYS, process.env.TOKEN_ENCRYPTION_KEYS]
      .flatMap((value) => (value ? value.split(',') : []))
      .map((value) => value.replace(/^[\w-]+:/, ''))
      .filter((value) => value.length >= 8);
  }

  async stop(): Promise<void> {
    // Not ours to stop: it keeps running for the next scenario.
  }
}
