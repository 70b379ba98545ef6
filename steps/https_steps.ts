import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { got } from 'got';
import type { CertificateKind } from './support/tls';
import type { ConformanceWorld } from './support/world';

Given(/^the provider presents a certificate (from another CA|for another name|expired)$/, async function (this: ConformanceWorld, kind: string) {
  await this.presentCertificate(kind as CertificateKind);
});

Then('the provider received no request from the integration', function (this: ConformanceWorld) {
  // The TLS handshake failed: no HTTP request ever reached the provider.
  assert.deepEqual(this.mock.requests.requests, []);
});

Given('the integration is served at an https address behind a trusted TLS-terminating proxy', async function (this: ConformanceWorld) {
  const address = new URL(this.config.redirectUri);
  address.protocol = 'https:';
  await this.reconfigure({ REDIRECT_URI: address.href, TRUST_PROXY: 'true' });
});

/** A sign-in with the headers a TLS-terminating proxy adds (or a client forges); it must succeed. */
async function signInWith(world: ConformanceWorld, person: string, origin: string, headers: Record<string, string>): Promise<void> {
  world.lastResponse = await got.post(world.url('/session'), {
    form: { username: person.toLowerCase() },
    headers: { origin, ...headers },
    throwHttpErrors: false,
    followRedirect: false,
  });
  assert.equal(world.lastResponse.statusCode, 303, world.lastResponse.body);
}

When('{person} signs in through the proxy', async function (this: ConformanceWorld, person: string) {
  await signInWith(this, person, new URL(this.config.redirectUri).origin, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' });
});

Then('the session cookie is marked Secure, HttpOnly and SameSite=Lax', function (this: ConformanceWorld) {
  const cookie = (this.lastResponse?.headers['set-cookie'] ?? []).find((line) => line.startsWith('session='));
  assert.ok(cookie, 'a session cookie');
  assert.match(cookie, /; secure/i);
  assert.match(cookie, /; httponly/i);
  assert.match(cookie, /; samesite=lax/i);
});

Then('the answer tells the browser to stay on HTTPS', function (this: ConformanceWorld) {
  assert.match(String(this.lastResponse?.headers['strict-transport-security']), /^max-age=\d{7,}/);
});

When('{person} signs in claiming to come through a TLS proxy', async function (this: ConformanceWorld, person: string) {
  await signInWith(this, person, new URL(this.url('/')).origin, { 'x-forwarded-proto': 'https' });
});

Then('the session cookie is not marked Secure', function (this: ConformanceWorld) {
  const cookie = (this.lastResponse?.headers['set-cookie'] ?? []).find((line) => line.startsWith('session='));
  assert.ok(cookie, 'a session cookie');
  assert.doesNotMatch(cookie, /; secure/i);
});

Then('the answer does not send Strict-Transport-Security', function (this: ConformanceWorld) {
  assert.equal(this.lastResponse?.headers['strict-transport-security'], undefined);
});

Then('the answer forbids caching and carries the security headers', function (this: ConformanceWorld) {
  const headers = this.lastResponse?.headers ?? {};
  assert.equal(this.lastResponse?.statusCode, 200);
  assert.equal(headers['cache-control'], 'no-store');
  assert.match(String(headers['content-security-policy']), /default-src 'none'/);
  assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'same-origin');
});
