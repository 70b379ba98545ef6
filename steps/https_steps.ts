import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { isSeeOther } from './support/expected-status';
import { got } from './support/http';
import type { Person } from './support/people';
import { needed } from './support/scenes/scene';
import { connect, signIn } from './support/tasks';
import type { CertificateKind } from './support/tls';
import { type HttpResponse, ownPageOf } from './support/user-agent';
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
    // As a browser posts from the integration's own page (contract 3.2, 6).
    headers: { ...ownPageOf(origin), ...headers },
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

/** The `Secure` attribute of a `Set-Cookie` line (RFC 6265 4.1.1), wherever it stands among the attributes. */
const secureAttribute = /;\s*secure\s*(?:;|$)/i;

/** Every cookie the answer sets is judged, whatever its name: each integration names its own (contract 3.2). */
Then('no cookie the answer sets, whatever its name, is marked Secure', function (this: ConformanceWorld) {
  const lines = this.lastAnswer?.headers['set-cookie'] ?? [];
  assert.ok(lines.length > 0, 'the sign-in set its session cookie (contract 3.2)');
  for (const line of lines) assert.doesNotMatch(line, secureAttribute, line);
});

Then('the answer does not send Strict-Transport-Security', function (this: ConformanceWorld) {
  assert.equal(this.lastAnswer?.headers['strict-transport-security'], undefined);
});

/**
 * The headers of contract 8.1, on every answer: the Content-Security-Policy holds `default-src 'none'` and
 * `frame-ancestors 'none'`, `nosniff`, `no-store`, and the Referrer-Policy given (`no-referrer` at the callback).
 */
function assertSecurityHeaders(world: ConformanceWorld, referrerPolicy: string): void {
  const answer = world.lastAnswer;
  assert.ok(answer, 'an answer came');
  const headers = answer.headers;
  const seen = `${answer.statusCode} ${answer.url}: ${JSON.stringify(headers)}`;
  assert.equal(headers['cache-control'], 'no-store', seen);
  assert.match(String(headers['content-security-policy']), /default-src 'none'/, seen);
  assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/, seen);
  assert.equal(headers['x-content-type-options'], 'nosniff', seen);
  assert.equal(headers['referrer-policy'], referrerPolicy, seen);
  // Ours, in addition (contract 8.1, "ours"): its whole policy, and no framing in older browsers either.
  if (world.mode === 'in-process') {
    assert.equal(
      headers['content-security-policy'],
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      seen,
    );
    assert.equal(headers['x-frame-options'], 'DENY', seen);
  }
}

Then('the answer forbids caching and carries the security headers', function (this: ConformanceWorld) {
  assert.equal(this.lastAnswer?.statusCode, 200);
  assertSecurityHeaders(this, 'same-origin');
});

Then(
  'the answer forbids caching and carries the security headers, with the Referrer-Policy {string}',
  function (this: ConformanceWorld, referrerPolicy: string) {
    assertSecurityHeaders(this, referrerPolicy);
  },
);

/** The pages of the security-header checks: each opened as a browser would, and checked to be what it is named. */
const pages: Record<string, (world: ConformanceWorld, person: Person) => Promise<HttpResponse>> = {
  'the home page, not signed in': async (world, person) => {
    const answer = await person.agent.get(world.url('/'));
    assert.equal(answer.statusCode, 200, 'the home page');
    return answer;
  },
  'a path where nothing is': async (world, person) => {
    const answer = await person.agent.get(world.url('/no-such-page'));
    assert.equal(answer.statusCode, 404, 'nothing there');
    return answer;
  },
  'the callback with an empty query': async (world, person) => {
    // The integration's callback, as registered (contract 2.2: REDIRECT_URI).
    const answer = await person.agent.get(world.sut.settings.redirectUri);
    assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, `a refusal: ${answer.statusCode}`);
    assert.match(String(answer.headers['content-type']), /text\/html/, 'an HTML page');
    return answer;
  },
  "the sign-in's answer": async (world, person) => {
    await signIn(world, person);
    return needed(world.lastAnswer, 'the sign-in answered');
  },
  'the callback the provider sent, connecting as alice': async (world, person) => {
    const answer = await connect(world, person, 'alice');
    assert.ok(isSeeOther(answer.statusCode), `connected: ${answer.statusCode} ${answer.body.slice(0, 300)}`);
    return answer;
  },
};

When(/^(\w+)'s browser opens (.+)$/, async function (this: ConformanceWorld, name: string, page: string) {
  const open = pages[page];
  assert.ok(open, `no page named "${page}"`);
  const person = this.people.named(name);
  person.response = await open(this, person);
  this.lastAnswer = person.response;
});
