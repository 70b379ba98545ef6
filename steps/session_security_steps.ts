import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { got } from 'got';
import { isActiveAtProvider } from './refresh_steps';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

async function cookiesOf(world: ConformanceWorld, person: string): Promise<Record<string, string>> {
  const cookies = await world.actor(person).agent.jar.getCookies(world.url('/'));
  return Object.fromEntries(cookies.map((cookie) => [cookie.key, cookie.value]));
}

function withCookie(world: ConformanceWorld, path: string, cookie: string, method: 'GET' | 'POST' = 'GET'): Promise<HttpResponse> {
  const url = world.url(path);
  return got(url, {
    method,
    headers: { cookie, accept: 'application/json', ...(method === 'POST' ? { origin: new URL(url).origin } : {}) },
    throwHttpErrors: false,
    followRedirect: false,
  });
}

When("Alice's browser tries to reach Bob's connection by {}", async function (this: ConformanceWorld, trick: string) {
  this.notes.set('bob-before', await this.storedConnection('Bob'));
  const alice = await cookiesOf(this, 'Alice');
  const bob = await cookiesOf(this, 'Bob');
  const paths = ['/api/connection', '/api/databases', '/api/databases/builder_yard/tables', '/'];
  let cookie: string;
  switch (trick) {
    case 'naming Bob in the query': {
      const answers = await Promise.all(
        ['/api/connection?user=bob&userId=bob', '/api/databases?user=bob', '/api/databases/builder_yard/tables?user=bob', '/?user=bob'].map((path) =>
          this.actor('Alice').agent.get(this.url(path), { accept: 'application/json' }),
        ),
      );
      answers.push(await this.actor('Alice').agent.post(this.url('/disconnect?user=bob'), { user: 'bob' }));
      this.notes.set('answers', answers);
      return;
    }
    case "sending Bob's session id signed with her own signature":
      cookie = `session=${bob.session}; session.sig=${alice['session.sig']}`;
      break;
    case "sending Bob's session id without a signature":
      cookie = `session=${bob.session}`;
      break;
    case 'sending a made-up session signed with her signature':
      cookie = `session=${randomBytes(32).toString('base64url')}; session.sig=${alice['session.sig']}`;
      break;
    default:
      throw new Error(`no trick named "${trick}"`);
  }
  const answers = await Promise.all(paths.map((path) => withCookie(this, path, cookie)));
  answers.push(await withCookie(this, '/disconnect', cookie, 'POST'));
  this.notes.set('answers', answers);
});

Then("none of the answers shows Bob's databases or account", function (this: ConformanceWorld) {
  for (const answer of this.notes.get('answers') as HttpResponse[]) {
    assert.doesNotMatch(answer.body, /builder_yard|Bob the Builder|acct_bob/);
  }
});

Then("Bob's connection is exactly as it was", async function (this: ConformanceWorld) {
  assert.deepEqual(await this.storedConnection('Bob'), this.notes.get('bob-before'));
  const tokens = await this.storedTokens('Bob');
  assert.equal(await isActiveAtProvider(this, tokens.refreshToken as string, 'refresh_token'), true, 'his refresh token still works');
  assert.equal(await isActiveAtProvider(this, tokens.accessToken, 'access_token'), true, 'his access token still works');
});

Given('{person} keeps a copy of her/his session cookie', async function (this: ConformanceWorld, person: string) {
  this.notes.set('kept-cookie', await this.actor(person).agent.jar.getCookieString(this.url('/')));
});

When('{person} signs out', async function (this: ConformanceWorld, person: string) {
  const response = await this.actor(person).agent.post(this.url('/session/end'), {});
  assert.equal(response.statusCode, 303);
  this.notes.set('sign-out', response);
});

Then('the kept cookie opens nothing: her/his connection status answers {string}', async function (this: ConformanceWorld, code: string) {
  const answer = await withCookie(this, '/api/connection', this.notes.get('kept-cookie') as string);
  assert.equal(answer.statusCode, 401);
  assert.equal((JSON.parse(answer.body) as { error: string }).error, code);
});

Then("her/his browser's cookie is cleared", async function (this: ConformanceWorld) {
  const cookies = await cookiesOf(this, this.lastPerson as string);
  assert.equal(cookies.session, undefined);
});

When("another site's page posts a sign-out in {person}'s browser", async function (this: ConformanceWorld, person: string) {
  this.lastResponse = await this.actor(person).agent.post(this.url('/session/end'), {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
});

Then('{person} is still signed in', async function (this: ConformanceWorld, person: string) {
  assert.equal((await this.callApi(person, '/api/connection')).statusCode, 200);
});
