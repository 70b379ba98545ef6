import { strict as assert } from 'node:assert';
import { Then, When } from '@cucumber/cucumber';
import { got } from 'got';
import { UserAgent } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

/** Raw callback queries, built around the real state and code so only the named problem is wrong. */
const malformedQueries: Record<string, (state: string, code: string) => string> = {
  'a repeated state': (state, code) => `code=${code}&state=${state}&state=${state}`,
  'a repeated code': (state, code) => `code=${code}&code=${code}&state=${state}`,
  'invalid percent-encoding': (state, code) => `code=${code}&state=${state}%zz`,
  'percent-encoded bytes that are not UTF-8': (state, code) => `code=${code}%C3%28&state=${state}`,
  'a state of 3000 characters': (_state, code) => `code=${code}&state=${'a'.repeat(3000)}`,
  'a query of 10000 characters': (state, code) => `code=${code}&state=${state}&padding=${'x'.repeat(10_000)}`,
  'an array where the state belongs': (state, code) => `code=${code}&state[]=${state}`,
  'an empty query': () => '',
};

When(/^(\w+)'s browser arrives at the callback with (.+)$/, async function (this: ConformanceWorld, person: string, problem: string) {
  const query = malformedQueries[problem];
  assert.ok(query, `no malformed query named "${problem}"`);
  const genuine = new URL(await this.authorizeAtProvider(person, 'alice'));
  const state = genuine.searchParams.get('state') as string;
  const code = genuine.searchParams.get('code') as string;
  await this.deliverCallback(person, `${genuine.origin}${genuine.pathname}?${query(state, code)}&iss=${encodeURIComponent(this.mock.issuer)}`);
  this.lastPerson = person;
});

type Submission = { form?: Record<string, string>; body?: string; type?: string };

const signInSubmissions: Record<string, Submission> = {
  'the username "<script>"': { form: { username: '<script>' } },
  'an empty username': { form: { username: '' } },
  'a username of 65 characters': { form: { username: 'a'.repeat(65) } },
  'a JSON array': { body: '["carol"]', type: 'application/json' },
  'malformed JSON': { body: '{"username": ', type: 'application/json' },
  'a body of 10 kilobytes': { form: { username: 'a'.repeat(10_240) } },
};

async function postSignIn(world: ConformanceWorld, submission: Submission, headers: Record<string, string> = {}): Promise<void> {
  world.notes.set('sessions-before', await sessionCount(world));
  const agent = new UserAgent();
  const url = world.url('/session');
  world.lastResponse = submission.form
    ? await agent.post(url, submission.form, headers)
    : await got.post(url, {
        body: submission.body,
        headers: { 'content-type': submission.type as string, origin: new URL(url).origin, ...headers },
        throwHttpErrors: false,
        followRedirect: false,
      });
}

async function sessionCount(world: ConformanceWorld): Promise<number> {
  return (await (await world.storeForChecks()).counts()).sessions;
}

When(/^someone posts (.+) to the sign-in form$/, async function (this: ConformanceWorld, problem: string) {
  const submission = signInSubmissions[problem];
  assert.ok(submission, `no submission named "${problem}"`);
  await postSignIn(this, submission);
});

When("another site's page posts the sign-in form for Mallory", async function (this: ConformanceWorld) {
  await postSignIn(this, { form: { username: 'mallory' } }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
});

When('a sibling site that forges the Origin posts the sign-in form for Mallory', async function (this: ConformanceWorld) {
  // Only Sec-Fetch-Site, which a page cannot set, tells the truth here.
  await postSignIn(this, { form: { username: 'mallory' } }, { origin: new URL(this.url('/')).origin, 'sec-fetch-site': 'same-site' });
});

When('a sandboxed frame posts the sign-in form for Mallory', async function (this: ConformanceWorld) {
  await postSignIn(this, { form: { username: 'mallory' } }, { origin: 'null' });
});

Then('no session is created', async function (this: ConformanceWorld) {
  assert.equal(await sessionCount(this), this.notes.get('sessions-before'));
  assert.equal(this.lastResponse?.headers['set-cookie'], undefined);
});

When("{person}'s browser asks for {string}", async function (this: ConformanceWorld, person: string, path: string) {
  this.lastResponse = await this.actor(person).agent.get(this.url(path));
});

When("{person}'s browser deletes {string}", async function (this: ConformanceWorld, person: string, path: string) {
  this.lastResponse = await got.delete(this.url(path), { throwHttpErrors: false, followRedirect: false, headers: { accept: 'text/html' } });
  this.lastPerson = person;
});

When("a link scanner sends HEAD to {person}'s callback", async function (this: ConformanceWorld, person: string) {
  const url = await this.authorizeAtProvider(person, 'alice');
  this.tokenRequestsBeforeLastDelivery = this.mock.requests.to('token').length;
  const cookie = await this.actor(person).agent.jar.getCookieString(url);
  this.notes.set('head', await got.head(url, { headers: { cookie }, throwHttpErrors: false, followRedirect: false }));
});

Then('the scanner is told {int}, with no redirect', function (this: ConformanceWorld, status: number) {
  const response = this.notes.get('head') as { statusCode: number; headers: Record<string, unknown> };
  assert.equal(response.statusCode, status);
  assert.equal(response.headers.location, undefined);
});

When('a client without session asks for {string}', async function (this: ConformanceWorld, path: string) {
  this.lastResponse = await got.get(this.url(path), { throwHttpErrors: false, headers: { accept: 'application/json' } });
});

Then('the answer is JSON', function (this: ConformanceWorld) {
  assert.match(String(this.lastResponse?.headers['content-type']), /application\/json/);
  const body = JSON.parse(this.lastResponse?.body ?? '') as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
});

Then('the answer is {int} with the status {string}', function (this: ConformanceWorld, status: number, value: string) {
  assert.equal(this.lastResponse?.statusCode, status);
  assert.deepEqual(JSON.parse(this.lastResponse?.body ?? ''), { status: value });
});
