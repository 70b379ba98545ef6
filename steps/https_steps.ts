import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { got } from './support/http';
import type { Person } from './support/people';
import type { CertificateKind } from './support/tls';
import type { ConformanceWorld } from './support/world';

Given(
  /^the provider presents a certificate (from another CA|for another name|expired)$/,
  async function (this: ConformanceWorld, kind: string) {
    await this.presentCertificate(kind as CertificateKind);
  },
);

Then('the provider received no request from the integration', async function (this: ConformanceWorld) {
  // The TLS handshake failed: no HTTP request ever reached the provider.
  assert.deepEqual(await this.provider.requests(), []);
});

Given(
  'the integration is served at an https address behind a trusted TLS-terminating proxy',
  async function (this: ConformanceWorld) {
    const address = new URL(this.inProcess.config.redirectUri);
    address.protocol = 'https:';
    await this.inProcess.reconfigure({ REDIRECT_URI: address.href, TRUST_PROXY: 'true' });
  },
);

/** A sign-in with the headers a TLS-terminating proxy adds (or a client forges); it must succeed. */
async function signInWith(
  world: ConformanceWorld,
  person: Person,
  origin: string,
  headers: Record<string, string>,
): Promise<void> {
  world.lastAnswer = await got.post(world.url('/session'), {
    form: { username: person.username },
    headers: { origin, ...headers },
    throwHttpErrors: false,
    followRedirect: false,
  });
  assert.equal(world.lastAnswer.statusCode, 303, world.lastAnswer.body);
}

When('{person} signs in through the proxy', async function (this: ConformanceWorld, person: Person) {
  await signInWith(this, person, new URL(this.inProcess.config.redirectUri).origin, {
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.7',
  });
});

/** Ours names its session cookie "session" (each integration names its own). */
function sessionCookie(world: ConformanceWorld): string {
  const cookie = (world.lastAnswer?.headers['set-cookie'] ?? []).find((line) => /^(__Host-)?session=/.test(line));
  assert.ok(cookie, 'a session cookie');
  return cookie;
}

Then('the session cookie is marked Secure, HttpOnly and SameSite=Lax', function (this: ConformanceWorld) {
  const cookie = sessionCookie(this);
  assert.match(cookie, /; secure/i);
  assert.match(cookie, /; httponly/i);
  assert.match(cookie, /; samesite=lax/i);
});

Then('the answer tells the browser to stay on HTTPS', function (this: ConformanceWorld) {
  assert.match(String(this.lastAnswer?.headers['strict-transport-security']), /^max-age=\d{7,}/);
});

When('{person} signs in claiming to come through a TLS proxy', async function (this: ConformanceWorld, person: Person) {
  await signInWith(this, person, this.origin, { 'x-forwarded-proto': 'https' });
});

Then('the session cookie is not marked Secure', function (this: ConformanceWorld) {
  assert.doesNotMatch(sessionCookie(this), /; secure/i);
});

Then('the answer does not send Strict-Transport-Security', function (this: ConformanceWorld) {
  assert.equal(this.lastAnswer?.headers['strict-transport-security'], undefined);
});

Then('the answer forbids caching and carries the security headers', function (this: ConformanceWorld) {
  const headers = this.lastAnswer?.headers ?? {};
  assert.equal(this.lastAnswer?.statusCode, 200);
  assert.equal(headers['cache-control'], 'no-store');
  assert.match(String(headers['content-security-policy']), /default-src 'none'/);
  assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['referrer-policy'], 'same-origin');
});
