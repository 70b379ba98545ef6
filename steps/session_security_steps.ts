import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';

import { got } from './support/http';
import type { Person } from './support/people';
import { callsScene } from './support/scenes/calls';
import { connectionBefore, rememberConnectionBefore } from './support/scenes/connection-before';
import { needed, sceneOf } from './support/scenes/scene';
import { connectionView, signIn } from './support/tasks';
import { type HttpResponse, ownPageOf, type SiteHeaders } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

/** What the session-security steps remember. */
interface SessionSecurityScene {
  /** A session cookie kept from before sign-out. */
  keptCookie?: string;
}

const sessionSecurityScene = sceneOf<SessionSecurityScene>(() => ({}));

async function cookiesOf(world: ConformanceWorld, person: Person): Promise<Record<string, string>> {
  const cookies = await person.agent.jar.getCookies(world.url('/'));
  return Object.fromEntries(cookies.map((cookie) => [cookie.key, cookie.value]));
}

function withCookie(
  world: ConformanceWorld,
  path: string,
  cookie: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<HttpResponse> {
  return got(world.url(path), {
    method,
    headers: { cookie, accept: 'application/json', ...(method === 'POST' ? ownPageOf(world.url(path)) : {}) },
    throwHttpErrors: false,
    followRedirect: false,
  });
}

When("Alice's browser tries to reach Bob's connection by {}", async function (this: ConformanceWorld, trick: string) {
  const alice = this.people.get('Alice');
  const bob = this.people.get('Bob');
  await rememberConnectionBefore(this, bob);
  const paths = ['/api/connection', '/api/databases', '/api/databases/builder_yard/tables', '/'];
  let cookie: string;
  switch (trick) {
    case 'naming Bob in the query': {
      const bobs = `user=${bob.username}&userId=${bob.username}&user_id=${bob.username}`;
      const answers = await Promise.all(
        paths.map((path) => alice.agent.get(this.url(`${path}?${bobs}`), { accept: 'application/json' })),
      );
      answers.push(await alice.agent.post(this.url(`/disconnect?${bobs}`), { user: bob.username }));
      callsScene(this).answers = answers;
      return;
    }
    // Ours signs its session cookie in "session.sig" (cookie names and
    // formats are each integration's own: @in-process).
    case "sending Bob's session id signed with her own signature":
      cookie = `session=${(await cookiesOf(this, bob)).session}; session.sig=${(await cookiesOf(this, alice))['session.sig']}`;
      break;
    case "sending Bob's session id without a signature":
      cookie = `session=${(await cookiesOf(this, bob)).session}`;
      break;
    case 'sending a made-up session signed with her signature':
      cookie = `session=${randomBytes(32).toString('base64url')}; session.sig=${(await cookiesOf(this, alice))['session.sig']}`;
      break;
    default:
      throw new Error(`no trick named "${trick}"`);
  }
  const answers = await Promise.all(paths.map((path) => withCookie(this, path, cookie)));
  answers.push(await withCookie(this, '/disconnect', cookie, 'POST'));
  callsScene(this).answers = answers;
});

Then("none of the answers shows Bob's databases or account", function (this: ConformanceWorld) {
  for (const answer of needed(callsScene(this).answers, 'the answers')) {
    assert.doesNotMatch(answer.body, /builder_yard|Bob the Builder|acct_bob/);
  }
});

Then("Bob's connection is exactly as it was", async function (this: ConformanceWorld) {
  const bob = this.people.get('Bob');
  const before = connectionBefore(this, "Bob's connection before");
  assert.deepEqual(await connectionView(this, bob), before.view);
  const { accessToken, refreshToken } = bob.tokensAtConnect;
  assert.equal((await this.provider.tokenState(refreshToken as string)).active, true, 'his refresh token still works');
  assert.equal((await this.provider.tokenState(accessToken)).active, true, 'his access token still works');
  if (this.can('store')) assert.deepEqual(await this.store.connection(bob.username), before.stored);
});

Given('{person} keeps a copy of her/his session cookie', async function (this: ConformanceWorld, person: Person) {
  sessionSecurityScene(this).keptCookie = await person.agent.jar.getCookieString(this.url('/'));
});

/**
 * Session fixation (contract 3.2): another person's session cookie, whatever its name and format, planted in
 * the browser, as a sibling site or an earlier visitor of a shared computer can.
 */
Given(
  "{person}'s session cookie is planted in {person}'s browser",
  async function (this: ConformanceWorld, planter: Person, victim: Person) {
    const url = this.url('/');
    const cookies = await planter.agent.jar.getCookies(url);
    assert.ok(cookies.length > 0, `${planter.name}'s browser holds a session cookie`);
    for (const cookie of cookies) await victim.agent.jar.setCookie(cookie.toString(), url);
    const held = (await victim.agent.jar.getCookies(url)).map((cookie) => cookie.cookieString());
    for (const cookie of cookies)
      assert.ok(
        held.includes(cookie.cookieString()),
        `${victim.name}'s browser now holds ${planter.name}'s ${cookie.key}`,
      );
  },
);

When('{person} signs in to the integration', async function (this: ConformanceWorld, person: Person) {
  await signIn(this, person);
});

When('{person} signs out', async function (this: ConformanceWorld, person: Person) {
  person.response = await person.agent.post(this.url('/session/end'), {});
  this.lastAnswer = person.response;
  assert.ok([302, 303].includes(person.response.statusCode), `signed out: ${person.response.statusCode}`);
});

Then(
  'the kept cookie opens nothing: her/his connection status answers {string}',
  async function (this: ConformanceWorld, code: string) {
    const answer = await withCookie(
      this,
      '/api/connection',
      needed(sessionSecurityScene(this).keptCookie, 'the kept cookie'),
    );
    assert.equal(
      answer.statusCode,
      401,
      `the kept cookie opens a session (contract 3.2, 3.3): ${answer.statusCode} ${answer.body.slice(0, 200)}`,
    );
    assert.equal((JSON.parse(answer.body) as { error: string }).error, code);
  },
);

Then('her/his browser is signed out too', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const answer = await person.agent.get(this.url('/api/connection'), { accept: 'application/json' });
  assert.equal(answer.statusCode, 401, 'what the browser holds opens no session');
  // Ours in-process clears its cookie (cookie names are each integration's own).
  if (this.mode === 'in-process') assert.equal((await cookiesOf(this, person)).session, undefined);
});

When(
  "{sender} posts a sign-out in {person}'s browser",
  async function (this: ConformanceWorld, from: SiteHeaders, person: Person) {
    person.response = await person.agent.post(this.url('/session/end'), {}, {}, from);
    this.lastAnswer = person.response;
  },
);

Then('{person} is still signed in', async function (this: ConformanceWorld, person: Person) {
  assert.equal((await person.agent.get(this.url('/api/connection'), { accept: 'application/json' })).statusCode, 200);
});
