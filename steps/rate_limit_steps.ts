import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { errorCodeOf } from './support/html-forms';
import { assertRefused } from './support/outcomes';
import { UserAgent, type HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

const groups: Record<string, string> = { 'API calls': 'api', 'sign-ins': 'sign_in', connects: 'connect' };

Given(/^the integration allows (\d+) (API calls|sign-ins|connects) a minute per session$/, async function (this: ConformanceWorld, points: string, what: string) {
  await this.reconfigure({ RATE_LIMITS: `${groups[what] as string}=${points}/60` });
});

When('{person} asks for her/his connection status {int} times', async function (this: ConformanceWorld, person: string, times: number) {
  const responses: HttpResponse[] = [];
  for (let call = 0; call < times; call += 1) responses.push(await this.callApi(person, '/api/connection'));
  this.notes.set('responses', responses);
});

Then('the first {int} answers are allowed, counting down the remaining calls', function (this: ConformanceWorld, count: number) {
  const responses = (this.notes.get('responses') as HttpResponse[]).slice(0, count);
  assert.deepEqual(
    responses.map((response) => [response.statusCode, response.headers['ratelimit-remaining'], response.headers['ratelimit-limit']]),
    responses.map((_response, index) => [200, String(count - index - 1), String(count)]),
  );
});

Then(/^the (\d+)(?:st|nd|rd|th) is refused with "(\w+)", saying when to retry$/, function (this: ConformanceWorld, nth: string, code: string) {
  const response = (this.notes.get('responses') as HttpResponse[])[Number(nth) - 1];
  assertRefused(response, code);
  const retryAfter = Number(response?.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After within the window, got ${retryAfter}`);
  assert.equal(response?.headers['ratelimit-remaining'], '0');
});

When('{person} asks for her/his connection status', async function (this: ConformanceWorld, person: string) {
  await this.callApi(person, '/api/connection');
});

Then('his/her answer is allowed', function (this: ConformanceWorld) {
  assert.equal(this.lastResponse?.statusCode, 200);
});

When('{int} people sign in from the same address', async function (this: ConformanceWorld, count: number) {
  for (let person = 0; person < count; person += 1) {
    const response = await new UserAgent().post(this.url('/session'), { username: `person${person}` });
    assert.equal(response.statusCode, 303, `sign-in ${person + 1} allowed`);
  }
});

When(/^an? (\d+)(?:st|nd|rd|th) person signs in from that address$/, async function (this: ConformanceWorld, _nth: string) {
  this.lastResponse = await new UserAgent().post(this.url('/session'), { username: 'one-too-many' });
});

Then(
  /^the (\d+)(?:st|nd|rd|th) sign-in is refused with "(\w+)", with the policy "([^"]+)"$/,
  function (this: ConformanceWorld, _nth: string, code: string, policy: string) {
    assertRefused(this.lastResponse, code);
    assert.equal(this.lastResponse?.headers['ratelimit-policy'], policy);
    assert.ok(Number(this.lastResponse?.headers['retry-after']) >= 1);
  },
);

When('{person} starts connecting her/his MySQL account {int} times', async function (this: ConformanceWorld, person: string, times: number) {
  const responses: HttpResponse[] = [];
  for (let attempt = 0; attempt < times; attempt += 1) responses.push(await this.startConnecting(person));
  this.notes.set('responses', responses);
});

Then(/^the (\d+)(?:st|nd|rd|th) attempt is refused with "(\w+)"$/, function (this: ConformanceWorld, nth: string, code: string) {
  const responses = this.notes.get('responses') as HttpResponse[];
  assertRefused(responses[Number(nth) - 1], code);
  assert.ok(responses.slice(0, Number(nth) - 1).every((response) => response.statusCode === 302 && !errorCodeOf(response.body)));
});

Then('only {int} pending authorizations were kept', async function (this: ConformanceWorld, count: number) {
  assert.equal((await (await this.storeForChecks()).counts()).pendingAuthorizations, count);
});
