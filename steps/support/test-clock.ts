/**
 * The integration's clock in the harness: real time plus an offset a
 * scenario can move, so expiry is tested without sleeping.
 */
export class TestClock {
  private offsetMs = 0;

  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
