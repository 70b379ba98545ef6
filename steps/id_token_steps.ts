import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { textOfElementWith } from './support/html-forms';
import { assertRefused } from './support/outcomes';
import type { Person } from './support/people';
import type { Tampering } from './support/provider-driver';
import { needed, sceneOf } from './support/scenes/scene';
import {
  authorizeAtProvider,
  connectionView,
  deliverCallback,
  rememberConnection,
  startConnecting,
} from './support/tasks';
import type { ConformanceWorld } from './support/world';

/** What the ID token steps remember. */
interface IdTokenScene {
  /** How many times the provider's keys had been fetched when a step started counting. */
  jwksFetchesBefore?: number;
}

const idTokenScene = sceneOf<IdTokenScene>(() => ({}));

/** The ID token forgeries, in the words of the feature, as the mock's named tamperings. */
const forgeries: Record<string, Tampering> = {
  'from another issuer': { kind: 'id-token-claims', set: { iss: 'https://attacker.example' } },
  'without "iss"': { kind: 'id-token-claims', omit: ['iss'] },
  'without "aud"': { kind: 'id-token-claims', omit: ['aud'] },
  'without "exp"': { kind: 'id-token-claims', omit: ['exp'] },
  'for another subject': { kind: 'id-token-claims', set: { sub: 'acct_bob' } },
  'for another client': { kind: 'id-token-claims', set: { aud: 'another-client' } },
  'with an untrusted extra audience': { kind: 'id-token-audience-array', extra: ['another-client'] },
  'with an authorized party not us': { kind: 'id-token-claims', set: { azp: 'another-client' } },
  'that has expired': { kind: 'id-token-times', issuedAtOffsetSeconds: -4200, expiresAtOffsetSeconds: -3600 },
  'without "iat"': { kind: 'id-token-claims', omit: ['iat'] },
  'without "sub"': { kind: 'id-token-claims', omit: ['sub'] },
  'with an empty "sub"': { kind: 'id-token-claims', set: { sub: '' } },
  'with a numeric "sub"': { kind: 'id-token-claims', set: { sub: 42 } },
  'with an empty audience list': { kind: 'id-token-claims', set: { aud: [] } },
  'with another nonce': { kind: 'id-token-claims', set: { nonce: 'not-the-nonce-we-sent' } },
  'without "nonce"': { kind: 'id-token-claims', omit: ['nonce'] },
  'with a bad RS256 signature': { kind: 'id-token-bad-signature', alg: 'RS256' },
  'with a bad ES256 signature': { kind: 'id-token-bad-signature', alg: 'ES256' },
  'signed with "none"': { kind: 'id-token-unsigned' },
  'signed with ES256, not the registered RS256': { kind: 'id-token-signed-with', key: 'es256' },
  'signed with a key the provider never published': { kind: 'id-token-signed-with', key: 'unpublished-rs256' },
  // Under FAPI 2.0 (ES256 registered): a genuine signature, with an algorithm the profile does not allow.
  'signed with its own published RS256 key': { kind: 'id-token-signed-with', key: 'rs256' },
  'with an audience array holding only this client': { kind: 'id-token-audience-array', extra: [] },
  // docs/decisions.md, `id-token-extra-checks`: an iat in the future, an ID token typed as something else, a sub
  // longer than OpenID Connect allows.
  'issued a year from now': { kind: 'id-token-times', issuedAtOffsetSeconds: 365 * 24 * 3600 },
  'issued 10 seconds from now, within the tolerance': { kind: 'id-token-times', issuedAtOffsetSeconds: 10 },
  'typed as an access token (at+jwt)': { kind: 'id-token-typ', typ: 'at+jwt' },
  'with a "sub" of 256 characters': { kind: 'id-token-claims', set: { sub: 's'.repeat(256) } },
};

/**
 * Forgeries whose making depends on the security profile: the algorithm registered there (RS256, or ES256 under fapi2).
 */
const forgeriesOfProfile: Record<string, (world: ConformanceWorld) => Tampering> = {
  'with a bad signature of the registered algorithm': (world) => ({
    kind: 'id-token-bad-signature',
    alg: world.securityProfile === 'fapi2' ? 'ES256' : 'RS256',
  }),
};

Given(/^the provider will send an ID token (.+)$/, async function (this: ConformanceWorld, forgery: string) {
  const change = forgeries[forgery] ?? forgeriesOfProfile[forgery]?.(this);
  assert.ok(change, `no forgery named "${forgery}"`);
  idTokenScene(this).jwksFetchesBefore = (await this.provider.requests('jwks')).length;
  await this.provider.tamperNextTokenResponse(change);
});

/**
 * The reason in our refusal's message. The wording is ours (partly jose's):
 * against another integration the refusal is judged by its code alone
 * (docs/decisions.md, harness-judged-by-code), so its scenarios are tagged
 * @in-process and skipped, with that reason, in a remote run.
 */
Then(/^the refusal says "(.*)"$/, function (this: ConformanceWorld, reason: string) {
  const message = textOfElementWith(this.lastAnswer?.body ?? '', 'data-error-message') ?? '';
  assert.equal(message, `ID token: ${reason}`);
});

Given('the provider publishes a single signing key without key id', async function (this: ConformanceWorld) {
  await this.provider.serveSingleKeyWithoutKid();
});

/**
 * Contract 5.4: a token without `kid` while the key set holds several keys of its algorithm. The provider rotates
 * in a new signing key (so the set holds two of the registered algorithm), signs without `kid`, and its JWKS serves
 * every key without `kid`, the signing one last: taking the first key is not verifying.
 */
Given(
  'the provider publishes several signing keys without key id, the one that signs last',
  async function (this: ConformanceWorld) {
    const signing = await this.provider.rotateSigningKey();
    const published = (await (await fetch(`${this.provider.issuer}/jwks`)).json()) as { keys: { kid?: string }[] };
    const keys = [
      ...published.keys.filter((key) => key.kid !== signing.kid),
      ...published.keys.filter((key) => key.kid === signing.kid),
    ].map(({ kid: _kid, ...key }) => key);
    assert.ok(keys.length >= 3, `the provider publishes several keys (${keys.length})`);
    await this.provider.serveSingleKeyWithoutKid();
    await this.provider.failNext('jwks', {
      status: 200,
      body: JSON.stringify({ keys }),
      headers: { 'Content-Type': 'application/json' },
      times: 100,
    });
  },
);

Then(
  '{person} is connected to the account {string}, or refused with {string} and nothing is stored for her/him',
  async function (this: ConformanceWorld, person: Person, name: string, code: string) {
    const view = await connectionView(this, person);
    if (view.status === 'connected') {
      assert.equal(view.account?.name, name);
      return;
    }
    assertRefused(person.response, code);
    assert.equal(view.status, 'not_connected');
    if (this.can('store'))
      assert.equal(await this.store.connection(person.username), undefined, 'ours stored no connection');
  },
);

Given('{person} has started connecting again', async function (this: ConformanceWorld, person: Person) {
  await startConnecting(this, person);
});

Given('the provider has since rotated its signing key', async function (this: ConformanceWorld) {
  const fetched = (await this.provider.requests('jwks')).length;
  // Ours in-process, started for this scenario, fetched the keys exactly once so far, and cached them.
  if (this.mode === 'in-process') assert.equal(fetched, 1, 'the keys were fetched once so far, and are cached');
  idTokenScene(this).jwksFetchesBefore = fetched;
  await this.provider.rotateSigningKey();
});

When('{person} connects again as {account}', async function (this: ConformanceWorld, person: Person, account: string) {
  await startConnecting(this, person);
  const response = await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
  if ([302, 303].includes(response.statusCode)) await rememberConnection(this, person, account);
});

Then("the integration fetched the provider's keys once more", async function (this: ConformanceWorld) {
  const before = needed(idTokenScene(this).jwksFetchesBefore, 'how often the keys had been fetched');
  assert.equal((await this.provider.requests('jwks')).length, before + 1);
});
