/**
 * "The integration" as the steps see it: where it answers, the settings it
 * declared (D5), and the optional test hooks it offers (D6). Two
 * implementations: our src/ started in-process for each scenario
 * (in-process-integration.ts), and any integration already running at
 * INTEGRATION_URL (remote-integration.ts). Steps that need more than this
 * (our store, our configuration, restarts) ask the World for the in-process
 * one, and their scenarios carry the tag @in-process.
 */
import type { Settings } from './settings';

/**
 * What an integration may offer beyond the required routes (D6): its test
 * hooks under /__test, and GET /metrics.
 */
export type Capability = 'clock' | 'revocation-queue' | 'logs' | 'metrics';

export interface IntegrationDriver {
  readonly kind: 'in-process' | 'remote';
  /** The integration's origin and base, e.g. http://127.0.0.1:3100/. */
  readonly baseUrl: string;
  readonly settings: Settings;
  offers(capability: Capability): boolean;
  /** Move the integration's clock forward (capability `clock`). */
  advanceClock(seconds: number): Promise<void>;
  /** Retry the queued revocations that are due now (capability `revocation-queue`); how many were attempted. */
  retryRevocations(): Promise<number>;
  /** Every log line the integration wrote (capability `logs`), as written (JSON). */
  logLines(): Promise<readonly string[]>;
  /** Secret values the harness knows the integration holds (client secret, keys): never in a log line. */
  knownSecrets(): readonly string[];
  stop(): Promise<void>;
}

/** The test hook, or feature, a capability stands for: the words of a skip reason. */
export const capabilityWords: Readonly<Record<Capability, string>> = {
  clock: 'the test hook "clock" (POST /__test/clock)',
  'revocation-queue': 'the test hook "revocation-queue" (POST /__test/revocations/retry)',
  logs: 'the test hook "logs" (GET /__test/logs)',
  metrics: 'GET /metrics',
};

/** The tag a scenario carries when it needs a capability. */
export const capabilityTags: Readonly<Record<string, Capability>> = {
  '@needs-clock': 'clock',
  '@needs-revocation-queue': 'revocation-queue',
  '@needs-logs': 'logs',
  '@needs-metrics': 'metrics',
};
