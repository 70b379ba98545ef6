/**
 * The harness's clock, shared by the mock provider and the integration
 * (both run in the test process): the global `Date` is replaced by one that
 * runs at real speed plus an offset a scenario can move, so expiry and
 * proactive refresh are tested without sleeping. With no offset it is the
 * real clock. The offset goes back to zero after each scenario.
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

export class TestClock {
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
