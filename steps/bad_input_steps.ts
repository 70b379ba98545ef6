import { strict as assert } from 'node:assert';

import { Then, When } from '@cucumber/cucumber';

import { got } from './support/http';
import type { Person } from './support/people';
import { callbackScene } from './support/scenes/callback';
import { needed, sceneOf } from './support/scenes/scene';
import { authorizeAtProvider, deliverCallback } from './support/tasks';
import { type HttpResponse, ownPageOf, type SiteHeaders } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

/** What the bad-input steps remember. */
interface BadInputScene {
  /** The answer a link scanner got from a HEAD request. */
  scannerAnswer?: HttpResponse;
  /** Before a HEAD to /connect: the provider's authorization and pushed requests, and our pending ones. */
  beforeHead?: { authorization: number; par: number; pending?: number };
  /** How many sessions our store held before a sign-in attempt (capability `store`). */
  sessionsBefore?: number;
}

const badInputScene = sceneOf<BadInputScene>(() => ({}));

/** Raw callback queries, built around the real state and code so only the named problem is wrong. */
const malformedQueries: Record<string, (state: string, code: string) => string> = {
  'a repeated state': (state, code) => `code=${code}&state=${state}&state=${state}`,
  'a repeated code': (state, code) => `code=${code}&code=${code}&state=${state}`,
  'invalid percent-encoding': (state, code) => `code=${code}&state=${state}%zz`,
  'percent-encoded bytes that are not UTF-8': (state, code) => `code=${code}%C3%28&state=${state}`,
  'a state of 3000 characters': (_state, code) => `code=${code}&state=${'a'.repeat(3000)}`,
  'a query of 10000 characters': (state, code) => `code=${code}&state=${state}&padding=${'x'.repeat(10_000)}`,
  'an array where the state belongs': (state, code) => `code=${code}&state[]=${state}`,
  'nothing but the issuer': () => '',
};

When(
  /^(\w+)'s browser arrives at the callback with (.+)$/,
  async function (this: ConformanceWorld, name: string, problem: string) {
    const person = this.people.named(name);
    const genuine = new URL(await authorizeAtProvider(this, person, 'alice'));
    const callback = `${genuine.origin}${genuine.pathname}`;
    if (problem === 'an empty query') {
      await deliverCallback(this, person, callback);
      return;
    }
    const query = malformedQueries[problem];
    assert.ok(query, `no malformed query named "${problem}"`);
    const state = genuine.searchParams.get('state') as string;
    const code = genuine.searchParams.get('code') as string;
    // The issuer the provider sends, so that only the named problem is wrong.
    await deliverCallback(
      this,
      person,
      `${callback}?${query(state, code)}${query(state, code) ? '&' : ''}iss=${encodeURIComponent(this.provider.issuer)}`,
    );
  },
);

type Submission = { form?: Record<string, string>; body?: string; type?: string };

const signInSubmissions: Record<string, Submission> = {
  'the username "<script>"': { form: { username: '<script>' } },
  'an empty username': { form: { username: '' } },
  'a username of 65 characters': { form: { username: 'a'.repeat(65) } },
  'a JSON array': { body: '["carol"]', type: 'application/json' },
  'malformed JSON': { body: '{"username": ', type: 'application/json' },
  'a body of 10 kilobytes': { form: { username: 'a'.repeat(10_240) } },
};

/**
 * A sign-in posted by a fresh browser, from its own page unless `from` names another sender; the browser is kept, so
 * that "no session" can be checked with what it was given.
 */
async function postSignIn(world: ConformanceWorld, submission: Submission, from?: SiteHeaders): Promise<void> {
  if (world.can('store')) badInputScene(world).sessionsBefore = (await world.store.counts()).sessions;
  const stranger = world.people.get('Visitor');
  const url = world.url('/session');
  world.lastAnswer = submission.form
    ? await stranger.agent.post(url, submission.form, {}, from)
    : await got.post(url, {
        body: submission.body,
        headers: { 'content-type': submission.type as string, ...(from ?? ownPageOf(url)) },
        throwHttpErrors: false,
        followRedirect: false,
        cookieJar: stranger.agent.jar,
      });
}

When(/^someone posts (.+) to the sign-in form$/, async function (this: ConformanceWorld, problem: string) {
  const submission = signInSubmissions[problem];
  assert.ok(submission, `no submission named "${problem}"`);
  await postSignIn(this, submission);
});

When(
  '{sender} posts the sign-in form for {person}',
  async function (this: ConformanceWorld, from: SiteHeaders, person: Person) {
    await postSignIn(this, { form: { username: person.username } }, from);
  },
);

Then('a session is created', async function (this: ConformanceWorld) {
  // Contract 3.2: 303 to / with a session cookie, which opens the user's connection status.
  assert.ok(this.lastAnswer, 'the sign-in was answered');
  assert.equal(
    this.lastAnswer.statusCode,
    303,
    `the sign-in is accepted: ${this.lastAnswer.statusCode} ${this.lastAnswer.body.slice(0, 300)}`,
  );
  const status = await this.people
    .get('Visitor')
    .agent.get(this.url('/api/connection'), { accept: 'application/json' });
  assert.equal(status.statusCode, 200, 'the cookie it was given opens a session');
});

Then('no session is created', async function (this: ConformanceWorld) {
  const status = await this.people
    .get('Visitor')
    .agent.get(this.url('/api/connection'), { accept: 'application/json' });
  assert.equal(status.statusCode, 401, 'whatever the browser holds opens no session');
  // Contract 3.2: a refused sign-in sets no cookie, whatever the integration.
  assert.ok(this.lastAnswer, 'the sign-in was answered');
  assert.equal(this.lastAnswer.headers['set-cookie'], undefined, 'the refusal sets no cookie');
  // Ours, in addition: no session row was written.
  if (this.can('store'))
    assert.equal((await this.store.counts()).sessions, badInputScene(this).sessionsBefore, 'ours stored no session');
});

When("{person}'s browser asks for {string}", async function (this: ConformanceWorld, person: Person, path: string) {
  person.response = await person.agent.get(this.url(path));
  this.lastAnswer = person.response;
});

When("{person}'s browser deletes {string}", async function (this: ConformanceWorld, person: Person, path: string) {
  const cookie = await person.agent.jar.getCookieString(this.url(path));
  person.response = await got.delete(this.url(path), {
    throwHttpErrors: false,
    followRedirect: false,
    headers: { accept: 'text/html', cookie },
  });
  this.lastAnswer = person.response;
});

When("a link scanner sends HEAD to {person}'s callback", async function (this: ConformanceWorld, person: Person) {
  const url = await authorizeAtProvider(this, person, 'alice');
  callbackScene(this).tokenRequestsBeforeDelivery = (await this.provider.requests('token')).length;
  const cookie = await person.agent.jar.getCookieString(url);
  badInputScene(this).scannerAnswer = await got.head(url, {
    headers: { cookie },
    throwHttpErrors: false,
    followRedirect: false,
  });
});

Then('the scanner is told {int}, with no redirect', function (this: ConformanceWorld, status: number) {
  const response = needed(badInputScene(this).scannerAnswer, "the scanner's answer");
  assert.equal(response.statusCode, status);
  assert.equal(response.headers.location, undefined);
});

// Contract 3: `HEAD /connect` must not start a flow (ours answers 405 `method_not_allowed`, which is not checked).
When(
  "{person}'s browser sends HEAD to {string}",
  async function (this: ConformanceWorld, person: Person, path: string) {
    badInputScene(this).beforeHead = {
      authorization: (await this.provider.requests('authorization')).length,
      par: (await this.provider.requests('par')).length,
      pending: this.can('store') ? (await this.store.counts()).pendingAuthorizations : undefined,
    };
    const cookie = await person.agent.jar.getCookieString(this.url(path));
    person.response = await got.head(this.url(path), {
      headers: { accept: 'text/html', cookie },
      throwHttpErrors: false,
      followRedirect: false,
    });
    this.lastAnswer = person.response;
  },
);

Then(
  '{person} is not sent to the provider, and no authorization request is made',
  async function (this: ConformanceWorld, person: Person) {
    const response = needed(person.response, `the answer to ${person.name}`);
    const before = needed(badInputScene(this).beforeHead, 'the counts before the HEAD request');
    const location = response.headers.location;
    assert.ok(
      !location || new URL(location, this.url('/')).origin !== new URL(this.provider.issuer).origin,
      `the answer (${response.statusCode}) does not send the browser to the provider: Location ${location}`,
    );
    assert.equal(
      (await this.provider.requests('authorization')).length,
      before.authorization,
      'no authorization request',
    );
    assert.equal((await this.provider.requests('par')).length, before.par, 'no pushed authorization request');
    // Ours, in addition: no pending authorization was kept.
    if (this.can('store'))
      assert.equal((await this.store.counts()).pendingAuthorizations, before.pending, 'ours kept nothing pending');
  },
);

When('a client without session asks for {string}', async function (this: ConformanceWorld, path: string) {
  this.lastAnswer = await got.get(this.url(path), { throwHttpErrors: false, headers: { accept: 'application/json' } });
});

Then('the answer is JSON', function (this: ConformanceWorld) {
  assert.match(String(this.lastAnswer?.headers['content-type']), /application\/json/);
  const body = JSON.parse(this.lastAnswer?.body ?? '') as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
  assert.equal(typeof body.message, 'string');
});

Then('the answer is {int} with the status {string}', function (this: ConformanceWorld, status: number, value: string) {
  assert.equal(this.lastAnswer?.statusCode, status);
  assert.deepEqual(JSON.parse(this.lastAnswer?.body ?? ''), { status: value });
});

When('a client without session posts a disconnect', async function (this: ConformanceWorld) {
  this.lastAnswer = await got.post(this.url('/disconnect'), {
    headers: { ...ownPageOf(this.url('/')), accept: 'text/html' },
    throwHttpErrors: false,
    followRedirect: false,
  });
});
