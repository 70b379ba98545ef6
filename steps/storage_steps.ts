import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { TokenCipher } from '../src/crypto/token-cipher';
import { rotateKeys } from '../src/tokens/rotate-keys';
import type { ConformanceWorld } from './support/world';

/** The ring's keys by id, fixed for the scenario so that "k1" stays the key it was. */
export function keyRing(world: ConformanceWorld, ids: string[]): string {
  const known = (world.notes.get('keys') as Map<string, string> | undefined) ?? new Map<string, string>();
  world.notes.set('keys', known);
  if (!known.has('k1')) known.set('k1', world.environment.TOKEN_ENCRYPTION_KEYS as string);
  return ids
    .map((id) => {
      if (!known.has(id)) known.set(id, `${id}:${randomBytes(32).toString('base64url')}`);
      return known.get(id) as string;
    })
    .join(',');
}

When('the stored connection of {person} is read as raw data', async function (this: ConformanceWorld, person: string) {
  this.notes.set('raw', await this.rawStoredConnection(person));
});

Then('it holds neither her/his access token nor her/his refresh token', async function (this: ConformanceWorld) {
  const raw = this.notes.get('raw') as string;
  const tokens = await this.storedTokens(this.lastPerson as string);
  assert.ok(raw.length > 100);
  assert.ok(!raw.includes(tokens.accessToken));
  assert.ok(!raw.includes(tokens.refreshToken as string));
});

Then(/^each of (?:them|her tokens|his tokens) is sealed with the key "(\w+)"$/, async function (this: ConformanceWorld, kid: string) {
  const connection = await this.storedConnection(this.lastPerson as string);
  assert.equal(TokenCipher.keyIdOf(connection?.sealedAccessToken as string), kid);
  assert.equal(TokenCipher.keyIdOf(connection?.sealedRefreshToken as string), kid);
});

async function restartWithKeys(world: ConformanceWorld, ring: string): Promise<void> {
  if (!world.notes.has('before-restart')) world.notes.set('before-restart', await world.storedConnection(world.lastPerson as string));
  await world.reconfigure({ TOKEN_ENCRYPTION_KEYS: keyRing(world, ring.split(', ')) });
}

Given('the integration restarts with the key ring {string}', async function (this: ConformanceWorld, ring: string) {
  await restartWithKeys(this, ring);
});

When('the keys are rotated', async function (this: ConformanceWorld) {
  this.notes.set('rotation', await rotateKeys(this.integration.integration.store, this.config.tokenEncryptionKeys));
});

Then('{int} connection(s) was/were re-encrypted', function (this: ConformanceWorld, count: number) {
  assert.deepEqual(this.notes.get('rotation'), { connections: count, revocations: 0 });
});

Then('her/his stored connection is what it was before the restart', async function (this: ConformanceWorld) {
  assert.deepEqual(await this.storedConnection(this.lastPerson as string), this.notes.get('before-restart'));
});
