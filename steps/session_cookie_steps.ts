/**
 * The session cookie over https carries the `__Host-` prefix
 * (docs/decisions.md, `host-session-cookie`): Secure, Path=/, no Domain, so
 * no sibling subdomain or plain-http page can set or shadow it.
 */
import { strict as assert } from 'node:assert';

import { Then } from '@cucumber/cucumber';

import type { ConformanceWorld } from './support/world';

/** Ours names its session cookie "session", "__Host-session" over https. */
Then(/^the session cookie carries the __Host- prefix: Path=\/ and no Domain$/, function (this: ConformanceWorld) {
  const cookies = (this.lastAnswer?.headers['set-cookie'] ?? []).filter((line) =>
    /^(__Host-)?session(\.sig)?=/.test(line),
  );
  assert.ok(cookies.length > 0, 'a session cookie was set');
  for (const cookie of cookies) {
    assert.match(cookie, /^__Host-/, `the cookie carries the prefix: ${cookie.split(';')[0]?.split('=')[0]}`);
    assert.match(cookie, /; path=\/(;|$)/i);
    assert.doesNotMatch(cookie, /; domain=/i);
    assert.match(cookie, /; secure/i);
  }
});
