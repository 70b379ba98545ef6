/**
 * What a step remembers for a later step of the same scenario, one typed
 * field each (a fresh Recollection per World). A step that reads a field
 * nobody wrote fails with the field's name, through `recalled`.
 */
import type { ThrowawayDatabase } from '../../dev/throwaway-database';
import type { Environment } from '../../src/config';
import type { RotationReport } from '../../src/crypto/key-rotation';
import type { RunningIntegration } from '../../src/server';
import type { Connection } from '../../src/store/store';
import type { FuzzReport } from '../fuzz_steps';
import type { ProcessResult } from './child-processes';
import type { Knowns } from './hostile-requests';
import type { Person } from './people';
import type { ConnectionView } from './tasks';
import type { TcpProxy } from './tcp-proxy';
import type { HttpResponse } from './user-agent';

/** A person's connection as observed at a moment: as the contract shows it, and (in-process) as our store holds it. */
export interface ConnectionSnapshot {
  readonly view: ConnectionView;
  readonly stored?: Connection;
}

export class Recollection {
  /** How many token requests the provider had received when the last callback was delivered. */
  tokenRequestsBeforeDelivery = 0;
  /** How many times the provider's keys had been fetched when a step started counting. */
  jwksFetchesBefore: number | undefined;
  /** The answers of a series of calls, in order (limits, concurrency, calls one after another). */
  answers: HttpResponse[] | undefined;
  /** The answers of several people's calls, each person's in order. */
  answersByPerson: Map<Person, HttpResponse[]> | undefined;
  /** The authorization URLs of repeated connect attempts. */
  authorizationUrls: string[] | undefined;
  /** The answer a link scanner got from a HEAD request. */
  scannerAnswer: HttpResponse | undefined;
  /** The callback URL the provider gave Mallory for her own code. */
  malloryCallback: string | undefined;
  /** A person's connection before something happened to it. */
  before: ConnectionSnapshot | undefined;
  /** How many sessions our store held before a sign-in attempt (in-process). */
  sessionsBefore: number | undefined;
  /** A session cookie kept from before sign-out. */
  keptCookie: string | undefined;
  /** What a child process printed, and how it ended. */
  process: ProcessResult | undefined;
  /** What a started script printed until it was ready. */
  output: string | undefined;
  /** The callback URL the real browser went through. */
  browserCallback: string | undefined;
  /** Token key ring entries by key id, fixed for the scenario (ours in-process). */
  keys: Map<string, string> | undefined;
  /** A stored connection read as raw data (ours in-process). */
  rawConnection: string | undefined;
  /** The stored connection before the integration restarted (ours in-process). */
  storedBeforeRestart: Connection | undefined;
  /** What a key rotation reported (ours in-process). */
  rotation: RotationReport | undefined;
  /** The integration's environment as a scenario changes it, before checking or starting (ours in-process). */
  environment: Environment | undefined;
  /** The problems the configuration check found (ours in-process). */
  problems: readonly string[] | undefined;
  /** A second instance of ours on the same database (the mysql profile). */
  secondInstance: RunningIntegration | undefined;
  /** The TCP proxy between ours and its database (the mysql profile). */
  databaseProxy: TcpProxy | undefined;
  /** Whether the database is to be cut when the provider receives the first revocation. */
  cutOnRevocation = false;
  /** An empty database, for the migration CLI. */
  emptyDatabase: ThrowawayDatabase | undefined;
  /** What the generated requests of a fuzz run were built around, and what they did. */
  fuzzKnowns: Knowns | undefined;
  fuzz: FuzzReport | undefined;
  /** The answer of the mock's control API to a call QA made (the mock run alone). */
  controlAnswer: Response | undefined;
  /** The mock's clock as its control API reported it. */
  mockNow: string | undefined;
  /** The lines of the conformance table. */
  conformanceTable: string[] | undefined;
  /** How many log lines the integration had written when the scenario started (remote: its lines since it started). */
  logLinesAtStart = 0;
  /**
   * The value of every metric at the start of the scenario (remote: metrics are counted since the integration started).
   */
  metricsAtStart: string | undefined;

  /** A remembered value that a step needs; fails the step when no earlier step remembered it. */
  static needed<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`no earlier step remembered ${what}`);
    return value;
  }
}
