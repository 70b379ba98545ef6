/**
 * "The integration" as the steps see it: where it answers, the settings it
 * declared (contract 2.2), and the capabilities it offers beyond the routes
 * (contract 9). Two implementations: our src/ started in-process for each
 * scenario (in-process-integration.ts), and any integration already running
 * at INTEGRATION_URL (remote-integration.ts). A step asks the driver what it
 * can do (`world.can('store')`), never which class it is
 * (docs/decisions.md, `harness-capabilities`).
 */
import type { Settings } from './settings';
import type { StoreProbe } from './store-probe';

/** What an integration may offer through its test hooks under /__test, and GET /metrics (contract 9.1, 8.4). */
export type HookCapability = 'clock' | 'revocation-queue' | 'logs' | 'metrics';

/**
 * Everything a driver may offer beyond the required routes: the hook
 * capabilities, and what only our own integration in-process offers: a store
 * the harness reads, and restarts (with a changed environment, or as a new
 * process would) (contract 9.2, `@in-process`).
 */
export type Capability = HookCapability | 'store' | 'restarts';

/** Which capabilities a driver offers, now. */
export type Capabilities = Readonly<Record<Capability, boolean>>;

export interface IntegrationDriver {
  readonly kind: 'in-process' | 'remote';
  /** The integration's origin and base, e.g. http://127.0.0.1:3100/. */
  readonly baseUrl: string;
  readonly settings: Settings;
  /** What it offers beyond the routes; may change during a scenario (ours replaced by a process of its own). */
  readonly capabilities: Capabilities;
  /** Move the integration's clock forward (capability `clock`). */
  advanceClock(seconds: number): Promise<void>;
  /** Retry the queued revocations that are due now (capability `revocation-queue`); how many were attempted. */
  retryRevocations(): Promise<number>;
  /** Every log line the integration wrote (capability `logs`), as written (JSON). */
  logLines(): Promise<readonly string[]>;
  /** Its store, read as the harness (capability `store`). */
  store(): StoreProbe;
  /** Secret values the harness knows the integration holds (client secret, keys): never in a log line. */
  knownSecrets(): readonly string[];
  stop(): Promise<void>;
}

/** What a capability stands for: the words of a skip reason, or of a step that needs it. */
export const capabilityWords: Readonly<Record<Capability, string>> = {
  clock: 'the test hook "clock" (POST /__test/clock)',
  'revocation-queue': 'the test hook "revocation-queue" (POST /__test/revocations/retry)',
  logs: 'the test hook "logs" (GET /__test/logs)',
  metrics: 'GET /metrics',
  store: 'a store the harness reads (our integration in-process: @in-process)',
  restarts: 'restarts of the integration (our integration in-process: @in-process)',
};

/** The tag a scenario carries when it needs a hook capability (contract 9.2). */
export const capabilityTags: Readonly<Record<string, HookCapability>> = {
  '@needs-clock': 'clock',
  '@needs-revocation-queue': 'revocation-queue',
  '@needs-logs': 'logs',
  '@needs-metrics': 'metrics',
};

/** The error of a step that needs a capability the integration under test does not offer. */
export function missingCapability(capability: Capability): Error {
  const tag = capability === 'store' || capability === 'restarts' ? '@in-process' : `@needs-${capability}`;
  return new Error(
    `this step needs the capability "${capability}", ${capabilityWords[capability]}, ` +
      `which the integration under test does not offer: tag its scenario ${tag}`,
  );
}
