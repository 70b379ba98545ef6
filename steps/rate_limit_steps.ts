import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { errorCodeOf } from './support/html-forms';
import { assertRefused } from './support/outcomes';
import type { Person } from './support/people';
import { callsScene } from './support/scenes/calls';
import { needed } from './support/scenes/scene';
import { callApi, startConnecting } from './support/tasks';
import { type HttpResponse, UserAgent } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

const groups: Record<string, string> = { 'API calls': 'api', 'sign-ins': 'sign_in', connects: 'connect' };

Given(
  /^the integration allows (\d+) (API calls|sign-ins|connects) a minute per session$/,
  async function (this: ConformanceWorld, points: string, what: string) {
    await this.inProcess.reconfigure({ RATE_LIMITS: `${groups[what] as string}=${points}/60` });
  },
);

When(
  '{person} asks for her/his connection status {int} times',
  async function (this: ConformanceWorld, person: Person, times: number) {
    const answers: HttpResponse[] = [];
    for (let call = 0; call < times; call += 1) answers.push(await callApi(this, person, '/api/connection'));
    callsScene(this).answers = answers;
  },
);

Then(
  'the first {int} answers are allowed, counting down the remaining calls',
  function (this: ConformanceWorld, count: number) {
    const answers = needed(callsScene(this).answers, 'the answers').slice(0, count);
    assert.equal(answers.length, count, `${count} answers`);
    assert.deepEqual(
      answers.map((answer) => [
        answer.statusCode,
        answer.headers['ratelimit-remaining'],
        answer.headers['ratelimit-limit'],
      ]),
      answers.map((_answer, index) => [200, String(count - index - 1), String(count)]),
    );
  },
);

/** The nth of a series: it exists, and it is the first one refused. */
function nthRefused(answers: readonly HttpResponse[], nth: number, code: string): HttpResponse {
  assert.equal(answers.length, nth, `the ${nth}th is the last of the series`);
  const answer = answers[nth - 1] as HttpResponse;
  assertRefused(answer, code);
  assert.ok(
    answers.slice(0, nth - 1).every((earlier) => earlier.statusCode < 400 && !errorCodeOf(earlier.body)),
    `the ${nth - 1} before it were allowed`,
  );
  return answer;
}

Then(
  /^the (\d+)(?:st|nd|rd|th) is refused with "(\w+)", saying when to retry$/,
  function (this: ConformanceWorld, nth: string, code: string) {
    const answer = nthRefused(needed(callsScene(this).answers, 'the answers'), Number(nth), code);
    const retryAfter = Number(answer.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After within the window, got ${retryAfter}`);
    assert.equal(answer.headers['ratelimit-remaining'], '0');
  },
);

When('{person} asks for her/his connection status', async function (this: ConformanceWorld, person: Person) {
  await callApi(this, person, '/api/connection');
});

Then('his/her answer is allowed', function (this: ConformanceWorld) {
  assert.equal(this.people.subject.response?.statusCode, 200);
});

/** A sign-in of a new person from this address (every browser of the harness comes from 127.0.0.1). */
async function signInFromThisAddress(world: ConformanceWorld, person: number): Promise<HttpResponse> {
  return new UserAgent().post(world.url('/session'), { username: `${world.people.get('Visitor').username}-${person}` });
}

When('{int} people sign in from the same address', async function (this: ConformanceWorld, count: number) {
  const answers: HttpResponse[] = [];
  for (let person = 0; person < count; person += 1) answers.push(await signInFromThisAddress(this, person));
  callsScene(this).answers = answers;
});

When(
  /^an? (\d+)(?:st|nd|rd|th) person signs in from that address$/,
  async function (this: ConformanceWorld, nth: string) {
    const answers = needed(callsScene(this).answers, 'the sign-ins so far');
    assert.equal(answers.length, Number(nth) - 1, `${Number(nth) - 1} people signed in before`);
    answers.push(await signInFromThisAddress(this, answers.length));
    this.lastAnswer = answers.at(-1);
  },
);

Then(
  /^the (\d+)(?:st|nd|rd|th) sign-in is refused with "(\w+)", with the policy "([^"]+)"$/,
  function (this: ConformanceWorld, nth: string, code: string, policy: string) {
    const answer = nthRefused(needed(callsScene(this).answers, 'the sign-ins'), Number(nth), code);
    assert.equal(answer.headers['ratelimit-policy'], policy);
    assert.ok(Number(answer.headers['retry-after']) >= 1);
  },
);

When(
  '{person} starts connecting her/his MySQL account {int} times',
  async function (this: ConformanceWorld, person: Person, times: number) {
    const answers: HttpResponse[] = [];
    for (let attempt = 0; attempt < times; attempt += 1) answers.push(await startConnecting(this, person));
    callsScene(this).answers = answers;
  },
);

Then(
  /^the (\d+)(?:st|nd|rd|th) attempt is refused with "(\w+)"$/,
  function (this: ConformanceWorld, nth: string, code: string) {
    nthRefused(needed(callsScene(this).answers, 'the attempts'), Number(nth), code);
  },
);

Then('only {int} pending authorizations were kept', async function (this: ConformanceWorld, count: number) {
  assert.equal((await this.inProcess.storeForChecks().then((store) => store.counts())).pendingAuthorizations, count);
});
