import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { got } from 'got';
import type { CertificateKind } from './support/tls';
import type { ConformanceWorld } from './support/world';

Then('every request the provider received came over TLS', function (this: ConformanceWorld) {
  assert.match(this.mock.issuer, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(this.mock.requests.to('token').length === 1 && this.mock.requests.to('jwks').length === 1, 'the back channel ran');
});

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

When('{person} signs in through the proxy', async function (this: ConformanceWorld, person: string) {
  const origin = new URL(this.config.redirectUri).origin;
  this.lastResponse = await got.post(this.url('/session'), {
    form: { username: person.toLowerCase() },
    headers: { origin, 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
    throwHttpErrors: false,
    followRedirect: false,
  });
  assert.equal(this.lastResponse.statusCode, 303, this.lastResponse.body);
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

Then('the answer does not send Strict-Transport-Security', function (this: ConformanceWorld) {
  assert.equal(this.lastResponse?.headers['strict-transport-security'], undefined);
  assert.match(String(this.lastResponse?.headers['content-security-policy']), /default-src 'none'/);
  assert.equal(this.lastResponse?.headers['x-content-type-options'], 'nosniff');
});
