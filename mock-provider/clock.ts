/**
 * The mock's clock, which a test can move: the global `Date` of the process
 * is replaced by one that runs at real speed plus an offset. With no offset
 * it is the real clock.
 *
 * Two offsets make it up. `advance` moves time forward for everyone: in the
 * harness the mock and the integration share the process, so expiry and
 * proactive refresh are tested without sleeping. `skew` moves only the mock:
 * the global `Date` (which oidc-provider reads) runs `skew` ahead of (or,
 * negative, behind) `now`, the clock the harness injects into the
 * integration. The mock run alone moves its own clock through
 * `POST /__control/clock`.
 */
const RealDate = Date;
let advancedMs = 0;
let skewMs = 0;

class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + advancedMs + skewMs);
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return RealDate.now() + advancedMs + skewMs;
  }
}

let installed = false;

export class Clock {
  /** Install the shifted Date once per process. */
  static install(): void {
    if (installed) return;
    globalThis.Date = ShiftedDate as DateConstructor;
    installed = true;
  }

  /** The integration's clock: real time plus what was advanced, without the mock's skew. */
  readonly now = (): number => RealDate.now() + advancedMs;

  /** The mock's own clock: the integration's plus the skew (what the shifted `Date` reads). */
  readonly mockNow = (): number => RealDate.now() + advancedMs + skewMs;

  /** Time passes: the mock's clock and the integration's move forward together. */
  advance(ms: number): void {
    advancedMs += ms;
  }

  /** From now on the mock's clock runs `ms` ahead of the integration's (negative: behind). */
  skew(ms: number): void {
    skewMs = ms;
  }

  get advancedMs(): number {
    return advancedMs;
  }

  get skewMs(): number {
    return skewMs;
  }

  reset(): void {
    advancedMs = 0;
    skewMs = 0;
  }
}
