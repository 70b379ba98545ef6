import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';

import type { RotationReport } from '../src/crypto/key-rotation';
import { rotateKeys } from '../src/crypto/key-rotation';
import { TokenCipher } from '../src/crypto/token-cipher';
import type { Connection } from '../src/store/store';
import type { Person } from './support/people';
import { needed, sceneOf } from './support/scenes/scene';
import type { ConformanceWorld } from './support/world';

/** What the storage steps remember (ours in-process: @in-process). */
interface StorageScene {
  /** Token key ring entries by key id, fixed for the scenario. */
  keys?: Map<string, string>;
  /** A stored connection read as raw data. */
  rawConnection?: string;
  /** The stored connection before the integration restarted. */
  storedBeforeRestart?: Connection;
  /** What a key rotation reported. */
  rotation?: RotationReport;
}

const storageScene = sceneOf<StorageScene>(() => ({}));

/** The ring's keys by id, fixed for the scenario so that "k1" stays the key it was (ours in-process). */
export function keyRing(world: ConformanceWorld, ids: string[]): string {
  const known = (storageScene(world).keys ??= new Map<string, string>());
  if (!known.has('k1')) known.set('k1', world.inProcess.environment.TOKEN_ENCRYPTION_KEYS as string);
  return ids
    .map((id) => {
      if (!known.has(id)) known.set(id, `${id}:${randomBytes(32).toString('base64url')}`);
      return known.get(id) as string;
    })
    .join(',');
}

When('the stored connection of {person} is read as raw data', async function (this: ConformanceWorld, person: Person) {
  storageScene(this).rawConnection = await this.store.raw(person.username);
});

Then('it holds neither her/his access token nor her/his refresh token', function (this: ConformanceWorld) {
  const raw = needed(storageScene(this).rawConnection, 'the raw connection');
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
  storageScene(this).storedBeforeRestart ??= await store.findConnection(this.people.subject.username);
  await this.inProcess.reconfigure({ TOKEN_ENCRYPTION_KEYS: keyRing(this, ring.split(', ')) });
});

When('the keys are rotated', async function (this: ConformanceWorld) {
  storageScene(this).rotation = await rotateKeys(
    this.inProcess.integration.store,
    this.inProcess.config.tokenEncryptionKeys,
  );
});

Then('{int} connection(s) was/were re-encrypted', function (this: ConformanceWorld, count: number) {
  assert.deepEqual(storageScene(this).rotation, { connections: count, revocations: 0 });
});

Then('her/his stored connection is what it was before the restart', async function (this: ConformanceWorld) {
  const store = await this.inProcess.storeForChecks();
  assert.deepEqual(
    await store.findConnection(this.people.subject.username),
    needed(storageScene(this).storedBeforeRestart, 'the connection before the restart'),
  );
});
