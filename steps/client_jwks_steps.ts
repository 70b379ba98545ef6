/**
 * Steps of the published client keys (features/fapi2-client-authentication.feature):
 * our integration's key ring configured with stray members, and what
 * `/jwks.json` publishes of it. In-process: the keys are our own settings.
 */
import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';
import type { JWK } from 'jose';

import { got } from './support/http';
import type { ConformanceWorld } from './support/world';

/** The keys `/jwks.json` published, per scenario. */
const fetched = new WeakMap<ConformanceWorld, JWK[]>();

function privateKeyOf(type: string): JWK {
  const pair =
    type === 'RSA'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'EC'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return pair.privateKey.export({ format: 'jwk' });
}

Given(
  "the integration's client key is an {word} key that also carries a stray {string} and {string}",
  async function (this: ConformanceWorld, type: string, secret: string, unknown: string) {
    const key = { ...privateKeyOf(type), kid: 'client-stray', [secret]: 'c2VjcmV0LXN5bW1ldHJpYy1rZXk', [unknown]: 'x' };
    this.clientKeys = [key];
    await this.inProcess.reconfigure({ CLIENT_SIGNING_KEYS: JSON.stringify({ keys: this.clientKeys }) });
  },
);

When("the provider fetches the integration's {string}", async function (this: ConformanceWorld, path: string) {
  const answer = await got(this.url(path), { throwHttpErrors: false, responseType: 'json' });
  assert.equal(answer.statusCode, 200);
  fetched.set(this, (answer.body as { keys: JWK[] }).keys);
});

Then('the key published there holds exactly {string}', function (this: ConformanceWorld, members: string) {
  const keys = fetched.get(this);
  assert.ok(keys, '/jwks.json was fetched');
  assert.equal(keys.length, 1, 'one key configured, one published');
  assert.deepEqual(Object.keys(keys[0] ?? {}).sort(), members.split(', ').sort());
});
