/**
 * The revocation queue (contract 5.7). What waits is judged by what the
 * provider received, in any mode. And its own bookkeeping in ours: a queued
 * row that cannot even be opened (its key left the ring) must count as a
 * failed attempt, go back in line and be given up in the end, not stay due
 * for ever in front of the others; those rows are planted in our store
 * (@in-process).
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';

import { generateKeyRingValue, type KeyRing, parseKeyRing } from '../src/crypto/key-ring';
import { revocationContext } from '../src/crypto/sealed-tokens';
import { TokenCipher } from '../src/crypto/token-cipher';
import { connectionView, revocationsOfThisScenario } from './support/tasks';
import type { ConformanceWorld } from './support/world';

Given(
  '{int} queued revocations, older than any other, sealed with a key the integration no longer has',
  async function (this: ConformanceWorld, count: number) {
    const store = await this.inProcess.storeForChecks();
    const gone = new TokenCipher(parseKeyRing(generateKeyRingValue('retired')) as KeyRing);
    const longAgo = this.inProcess.clock.now() - 3600 * 1000;
    for (let row = 0; row < count; row += 1) {
      const id = randomUUID();
      await store.saveRevocation({
        id,
        userId: `someone-${row}`,
        sealedToken: gone.encrypt(`a-token-${row}`, revocationContext(id)),
        tokenTypeHint: 'refresh_token',
        attempts: 0,
        notBefore: longAgo + row,
        createdAt: longAgo + row,
      });
    }
  },
);

When(
  'the integration retries waiting revocations every hour, {int} times',
  async function (this: ConformanceWorld, times: number) {
    for (let run = 0; run < times; run += 1) {
      await this.timePasses(3600);
      await this.sut.retryRevocations();
    }
  },
);

Then('no revocation is waiting any more', async function (this: ConformanceWorld) {
  assert.deepEqual((await this.inProcess.storeForChecks().then((store) => store.listRevocations())).length, 0);
});

/** Her tokens from the connect, by the hint a revocation of each carries. */
function tokensOf(world: ConformanceWorld): Array<{ hint: 'refresh_token' | 'access_token'; token: string }> {
  const { accessToken, refreshToken } = world.people.subject.tokensAtConnect;
  assert.ok(refreshToken, 'a refresh token was issued at connect');
  return [
    { hint: 'refresh_token', token: refreshToken },
    { hint: 'access_token', token: accessToken },
  ];
}

/** The tokens a "waiting" step found unconfirmed, over the whole scenario (each must be confirmed in the end). */
const waitedFor = new WeakMap<ConformanceWorld, Set<string>>();

/**
 * Contract 5.7: a revocation the provider did not confirm (a 200) waits in the integration's queue. Judged by what
 * the provider received, in any mode: her tokens it has not confirmed are exactly that many, and still work there;
 * those it confirmed no longer do. A later step of the same scenario sees the queue move (or not) once the
 * provider is back. Ours, in-process: as many revocations in its store, sealed.
 */
Then(
  'nothing of her/his connection is stored, and the revocation of {int} of her/his token(s) is waiting',
  async function (this: ConformanceWorld, count: number) {
    const person = this.people.subject;
    assert.equal((await connectionView(this, person)).status, 'not_connected');
    const received = await revocationsOfThisScenario(this);
    const states = await Promise.all(
      tokensOf(this).map(async ({ hint, token }) => ({
        hint,
        token,
        confirmed: received.some((request) => request.params.token === token && request.status === 200),
        active: (await this.provider.tokenState(token)).active,
      })),
    );
    const waiting = states.filter((state) => !state.confirmed);
    assert.equal(
      waiting.length,
      count,
      `the provider confirmed the revocation of ${states.length - waiting.length} of her ${states.length} tokens, ` +
        `so ${waiting.length} wait (${waiting.map((state) => state.hint).join(', ') || 'none'}); ` +
        `revocation requests it received: ${JSON.stringify(received.map((request) => [request.params.token_type_hint, request.status]))}`,
    );
    for (const state of states) {
      assert.equal(
        state.active,
        !state.confirmed,
        state.confirmed
          ? `her ${state.hint}, revoked, no longer works at the provider`
          : `her ${state.hint}, waiting for its revocation, still works at the provider`,
      );
    }
    const remembered = waitedFor.get(this) ?? new Set<string>();
    for (const state of waiting) remembered.add(state.token);
    waitedFor.set(this, remembered);
    if (this.can('store')) {
      assert.equal(await this.store.connection(person.username), undefined);
      const queued = await this.store.revocations();
      assert.equal(queued.length, count, 'ours holds that many revocations in its queue');
      for (const revocation of queued) {
        const seen = JSON.stringify(revocation);
        assert.ok(!states.some((state) => seen.includes(state.token)), 'queued tokens are sealed');
      }
    }
  },
);

/** Once the provider is back: each token that waited was revoked by a request of the integration that it confirmed. */
Then(
  'the provider has confirmed the revocation of every token that waited, and accepts none of them',
  async function (this: ConformanceWorld) {
    const waited = waitedFor.get(this);
    assert.ok(waited?.size, 'a step found revocations waiting');
    const received = await revocationsOfThisScenario(this);
    for (const { hint, token } of tokensOf(this).filter((candidate) => waited.has(candidate.token))) {
      const asked = received.filter((request) => request.params.token === token);
      assert.ok(
        asked.length >= 2,
        `her ${hint} was asked again after its first attempt failed (${asked.length} requests)`,
      );
      assert.equal(asked.at(-1)?.status, 200, `the last revocation of her ${hint} was confirmed`);
      assert.equal(asked.at(-1)?.params.token_type_hint, hint);
      assert.equal((await this.provider.tokenState(token)).active, false, `her ${hint} no longer works`);
    }
  },
);
