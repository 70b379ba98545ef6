import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';

import { rotateKeys } from '../src/crypto/key-rotation';
import { TokenCipher } from '../src/crypto/token-cipher';
import type { Person } from './support/people';
import { Recollection } from './support/recollection';
import type { ConformanceWorld } from './support/world';

/** The ring's keys by id, fixed for the scenario so that "k1" stays the key it was (ours in-process). */
export function keyRing(world: ConformanceWorld, ids: string[]): string {
  const known = (world.recalled.keys ??= new Map<string, string>());
  if (!known.has('k1')) known.set('k1', world.inProcess.environment.TOKEN_ENCRYPTION_KEYS as string);
  return ids
    .map((id) => {
      if (!known.has(id)) known.set(id, `${id}:${randomBytes(32).toString('base64url')}`);
      return known.get(id) as string;
    })
    .join(',');
}

When('the stored connection of {person} is read as raw data', async function (this: ConformanceWorld, person: Person) {
  assert.ok(this.store, 'our store, in-process');
  this.recalled.rawConnection = await this.store.raw(person.username);
});

Then('it holds neither her/his access token nor her/his refresh token', function (this: ConformanceWorld) {
  const raw = Recollection.needed(this.recalled.rawConnection, 'the raw connection');
  const tokens = this.people.subject.tokensAtConnect;
  assert.ok(raw.length > 100);
  assert.ok(!raw.includes(tokens.accessToken));
  assert.ok(!raw.includes(tokens.refreshToken as string));
});

Then(
  /^each of (?:them|her tokens|his tokens) is sealed with the key "(\w+)"$/,
  async function (this: ConformanceWorld, kid: string) {
    const store = await this.inProcess.storeForChecks();
    const connection = await store.findConnection(this.people.subject.username);
    assert.equal(TokenCipher.keyIdOf(connection?.sealedAccessToken as string), kid);
    assert.equal(TokenCipher.keyIdOf(connection?.sealedRefreshToken as string), kid);
  },
);

Given('the integration restarts with the key ring {string}', async function (this: ConformanceWorld, ring: string) {
  const store = await this.inProcess.storeForChecks();
  this.recalled.storedBeforeRestart ??= await store.findConnection(this.people.subject.username);
  await this.inProcess.reconfigure({ TOKEN_ENCRYPTION_KEYS: keyRing(this, ring.split(', ')) });
});

When('the keys are rotated', async function (this: ConformanceWorld) {
  this.recalled.rotation = await rotateKeys(
    this.inProcess.integration.store,
    this.inProcess.config.tokenEncryptionKeys,
  );
});

Then('{int} connection(s) was/were re-encrypted', function (this: ConformanceWorld, count: number) {
  assert.deepEqual(this.recalled.rotation, { connections: count, revocations: 0 });
});

Then('her/his stored connection is what it was before the restart', async function (this: ConformanceWorld) {
  const store = await this.inProcess.storeForChecks();
  assert.deepEqual(
    await store.findConnection(this.people.subject.username),
    Recollection.needed(this.recalled.storedBeforeRestart, 'the connection before the restart'),
  );
});
