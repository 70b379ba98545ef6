/**
 * The mock's clock, which a test can move forward: the global `Date` of the
 * process is replaced by one that runs at real speed plus an offset. With no
 * offset it is the real clock. In the harness the mock and the integration
 * share the process, so they share this clock, and expiry and proactive
 * refresh are tested without sleeping; the mock run alone moves its own
 * clock through `POST /__control/clock`.
 */
const RealDate = Date;
let offsetMs = 0;

class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return RealDate.now() + offsetMs;
  }
}

let installed = false;

export class Clock {
  /** Install the shifted Date once per test process. */
  static install(): void {
    if (installed) return;
    globalThis.Date = ShiftedDate as DateConstructor;
    installed = true;
  }

  readonly now = (): number => Date.now();

  advance(ms: number): void {
    offsetMs += ms;
  }

  reset(): void {
    offsetMs = 0;
  }
}
