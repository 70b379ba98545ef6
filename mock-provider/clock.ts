/**
 * A clock a test can move: real time plus what has been advanced, plus a
 * skew. Each mock has its own (two mocks in one process keep two clocks),
 * and the harness gives the in-process integration another one, without
 * skew; the harness moves both when time passes (`World.timePasses`).
 *
 * `advance` is time passing. `skew` moves only this clock: the mock's clock
 * runs `skew` ahead of (negative: behind) the integration's. The mock run
 * alone moves its clock through `POST /__control/clock` (contract 10.2).
 *
 * The mock's own code reads its clock's `now`. oidc-provider cannot be
 * given a clock: it reads the global `Date` (`Date.now()`, `new Date()`, its
 * `epochTime()` helper's default argument, jose's checks). So `run` is the
 * one place that still overrides the global `Date`, and confines it: the
 * override, installed once by the first `run`, answers with the clock whose
 * `run` the current asynchronous work descends from (each request to a mock
 * and each of its controls runs inside its clock's `run`), and with the real
 * time everywhere else: the harness, the integration and any other code in
 * the process see the real `Date`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const RealDate = Date;
const realNow = (): number => RealDate.now();

/** The clock of the mock whose work is running, if any. */
const runningClock = new AsyncLocalStorage<Clock>();

/** A `Date` whose "now" is the running mock's clock (the real time outside a mock's work). */
class DateOfTheRunningClock extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(DateOfTheRunningClock.now());
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return runningClock.getStore()?.now() ?? RealDate.now();
  }
}

let installed = false;

export class Clock {
  #advancedMs = 0;
  #skewMs = 0;

  constructor(private readonly realTime: () => number = realNow) {}

  /** This clock's now, in milliseconds since the epoch. */
  readonly now = (): number => this.realTime() + this.#advancedMs + this.#skewMs;

  /** Time passes: the clock moves forward. */
  advance(ms: number): void {
    this.#advancedMs += ms;
  }

  /** From now on this clock runs `ms` ahead of real time plus what was advanced (negative: behind). */
  skew(ms: number): void {
    this.#skewMs = ms;
  }

  get advancedMs(): number {
    return this.#advancedMs;
  }

  get skewMs(): number {
    return this.#skewMs;
  }

  reset(): void {
    this.#advancedMs = 0;
    this.#skewMs = 0;
  }

  /** Run work (and everything it starts) on this clock: what it reads from `Date` is this clock. */
  run<T>(work: () => T): T {
    if (!installed) {
      globalThis.Date = DateOfTheRunningClock as DateConstructor;
      installed = true;
    }
    return runningClock.run(this, work);
  }
}
