/**
 * The revocation queue's own bookkeeping (issue 13, defect 4): a queued row
 * that cannot even be opened (its key left the ring) must count as a failed
 * attempt, go back in line and be given up in the end, not stay due for ever
 * in front of the others. Rows are planted in our store: @in-process.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { generateKeyRingValue, parseKeyRing, type KeyRing } from '../src/crypto/key-ring';
import { revocationContext } from '../src/crypto/sealed-tokens';
import { TokenCipher } from '../src/crypto/token-cipher';
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
