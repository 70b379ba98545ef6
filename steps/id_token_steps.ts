import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { generateSigningKey } from '../mock-provider/keys';
import { sign, unsigned, withBadSignature, withClaims, without, type IdTokenForgery } from '../mock-provider/tampering';
import type { ConformanceWorld } from './support/world';

const hourAgo = () => Math.floor(Date.now() / 1000) - 3600;

/** The ID token forgeries, in the words of the feature. */
const forgeries: Record<string, IdTokenForgery> = {
  'from another issuer': withClaims((claims) => ({ ...claims, iss: 'https://attacker.example' })),
  'for another subject': withClaims((claims) => ({ ...claims, sub: 'acct_bob' })),
  'for another client': withClaims((claims) => ({ ...claims, aud: 'another-client' })),
  'with an untrusted extra audience': withClaims((claims) => ({ ...claims, aud: [String(claims.aud), 'another-client'], azp: String(claims.aud) })),
  'with an authorized party not us': withClaims((claims) => ({ ...claims, azp: 'another-client' })),
  'that has expired': withClaims((claims) => ({ ...claims, iat: hourAgo() - 600, exp: hourAgo() })),
  'without "iat"': withClaims(without('iat')),
  'without "sub"': withClaims(without('sub')),
  'with an empty "sub"': withClaims((claims) => ({ ...claims, sub: '' })),
  'with a numeric "sub"': withClaims((claims) => ({ ...claims, sub: 42 as unknown as string })),
  'with an empty audience list': withClaims((claims) => ({ ...claims, aud: [] })),
  'with another nonce': withClaims((claims) => ({ ...claims, nonce: 'not-the-nonce-we-sent' })),
  'without "nonce"': withClaims(without('nonce')),
  'with a bad RS256 signature': withBadSignature('RS256'),
  'with a bad ES256 signature': withBadSignature('ES256'),
  'signed with "none"': unsigned,
  'signed with ES256, not the registered RS256': async ({ claims, keys }) => sign(claims, keys, { alg: 'ES256' }),
  'signed with a key the provider never published': async ({ claims, keys }) =>
    sign(claims, keys, { key: await generateSigningKey('RS256') }),
  'with an audience array holding only this client': withClaims((claims) => ({ ...claims, aud: [String(claims.aud)] })),
};

Given(/^the provider will send an ID token (.+)$/, function (this: ConformanceWorld, forgery: string) {
  const idToken = forgeries[forgery];
  if (!idToken) throw new Error(`no forgery named "${forgery}"`);
  this.mock.tampering.tamperNextTokenResponse({ idToken });
});

Then(/^the refusal says "(.*)"$/, function (this: ConformanceWorld, reason: string) {
  const message = /data-error-message>([^<]*)</.exec(this.lastResponse?.body ?? '')?.[1] ?? '';
  assert.equal(message.replace(/&quot;/g, '"'), `ID token: ${reason}`);
});

Given('the provider publishes a single signing key without key id', function (this: ConformanceWorld) {
  this.mock.tampering.serveSingleKeyWithoutKid();
});

Given('the provider has since rotated its signing key', async function (this: ConformanceWorld) {
  assert.equal(this.mock.requests.to('jwks').length, 1, 'the keys were fetched once so far, and are cached');
  await this.mock.tampering.rotateSigningKey();
});

When('{person} connects again as {account}', async function (this: ConformanceWorld, person: string, account: string) {
  await this.startConnecting(person);
  await this.deliverCallback(person, await this.authorizeAtProvider(person, account));
});

Then("the integration fetched the provider's keys {int} times", function (this: ConformanceWorld, count: number) {
  assert.equal(this.mock.requests.to('jwks').length, count);
});
