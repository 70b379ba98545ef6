/**
 * An access token's state, as the features speak of it: far from expiry,
 * about to expire (within the integration's refresh margin, still valid),
 * or expired. With a clock to move (in-process, or a remote integration's
 * "clock" hook) time passes after the connect, by what the provider says is
 * left of the token. Without one, the provider's token response at the
 * connect says so itself: an `expires_in` inside the margin (about to
 * expire), or of one second, then that second passes (expired). Either way
 * the integration sees the same token state, black-box.
 */
import { strict as assert } from 'node:assert';

import type { Person } from './people';
import type { ConformanceWorld } from './world';

export type TokenState = 'far from expiry' | 'about to expire' | 'expired';

/** Seconds the provider says are left of the access token issued at the person's connect. */
async function secondsLeft(world: ConformanceWorld, person: Person): Promise<number> {
  const state = await world.provider.tokenState(person.tokensAtConnect.accessToken);
  assert.ok(state.expiresAt, 'the provider knows when the access token expires');
  const now = Math.floor(Date.parse((await world.provider.clock()).now) / 1000);
  return state.expiresAt - now;
}

/** Before the connect: what the provider's token response must say, when no clock can be moved. */
export async function prepareTokenState(world: ConformanceWorld, state: TokenState): Promise<void> {
  if (world.can('clock') || state === 'far from expiry') return;
  const margin = world.sut.settings.refreshMarginSeconds;
  if (state === 'about to expire') {
    assert.ok(
      margin >= 2,
      `with a refresh margin of ${margin} s no access token is ever about to expire without having expired`,
    );
    await world.provider.tamperNextTokenResponse({
      kind: 'set-field',
      field: 'expires_in',
      value: Math.floor(margin / 2),
    });
  } else {
    await world.provider.tamperNextTokenResponse({ kind: 'set-field', field: 'expires_in', value: 1 });
  }
}

/** After the connect: let the time pass that puts the access token in that state. */
export async function reachTokenState(world: ConformanceWorld, person: Person, state: TokenState): Promise<void> {
  const margin = world.sut.settings.refreshMarginSeconds;
  if (world.can('clock')) {
    const left = await secondsLeft(world, person);
    if (state === 'far from expiry') {
      assert.ok(
        left / 2 > margin,
        `an access token of ${left} s is never far from expiry with a margin of ${margin} s`,
      );
      await world.timePasses(Math.floor(left / 2));
    } else {
      // About to expire: half the margin left, as without a clock (prepareTokenState), never just at its edge: the
      // integration counts the token's life from when the token response reached it, a moment after the provider did.
      await world.timePasses(state === 'about to expire' ? left - Math.floor(margin / 2) : left + 60);
    }
    return;
  }
  // The one second of an access token issued with expires_in 1 (a margin
  // of a second more, for a clock that ticks in seconds).
  if (state === 'expired') await new Promise((resolve) => setTimeout(resolve, 2100));
}
