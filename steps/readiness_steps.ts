/**
 * Readiness under anonymous load (contract 3.6): `/readyz` answers from what
 * the integration already knows of the provider (its discovery cache, or the
 * last failure while its backoff lasts), so callers from outside cannot
 * spend the provider's limits, nor hammer a provider that is failing.
 * Judged by what the provider saw.
 */
import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import { got } from './support/http';
import { callsScene } from './support/scenes/calls';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

Given(
  'the provider allows {int} discovery request(s) a minute',
  async function (this: ConformanceWorld, limit: number) {
    await this.provider.setRateLimit('discovery', { limit, windowSeconds: 60 });
  },
);

When(
  'clients without session ask for {string} {int} times',
  async function (this: ConformanceWorld, path: string, times: number) {
    const answers: HttpResponse[] = [];
    for (let call = 0; call < times; call += 1) {
      answers.push(
        await got.get(this.url(path), {
          throwHttpErrors: false,
          headers: { accept: 'application/json' },
        }),
      );
    }
    callsScene(this).answers = answers;
  },
);

Then(
  'every readiness answer is {int} with the provider {string}',
  function (this: ConformanceWorld, status: number, provider: string) {
    const answers = callsScene(this).answers ?? [];
    assert.ok(answers.length > 0, 'readiness was asked');
    for (const [index, answer] of answers.entries()) {
      assert.equal(answer.statusCode, status, `answer ${index + 1}: ${answer.statusCode} ${answer.body}`);
      assert.equal((JSON.parse(answer.body) as { checks: { provider: string } }).checks.provider, provider);
    }
  },
);

Given(
  "the provider's discovery is down, asking to be asked again in {int} seconds",
  async function (this: ConformanceWorld, seconds: number) {
    await this.provider.failNext('discovery', {
      status: 503,
      headers: { 'retry-after': String(seconds) },
      times: 1000,
    });
  },
);

When('{int} seconds pass', async function (this: ConformanceWorld, seconds: number) {
  await this.timePasses(seconds);
});

/**
 * Ours in-process: a fetch of a discovery that keeps answering 503 without
 * Retry-After is PROVIDER_RETRY_ATTEMPTS requests (contract 5.6), so the
 * provider's count says how many fetches there were.
 */
Then(
  "the integration has fetched the provider's discovery document {int} time(s) in all",
  async function (this: ConformanceWorld, fetches: number) {
    const attempts = this.inProcess.integration.config.providerRetryAttempts;
    const requests = (await this.provider.requests('discovery')).length;
    assert.equal(requests, fetches * attempts, `${requests} discovery requests, ${attempts} to a fetch`);
  },
);

Then('the provider received {int} discovery request(s) in all', async function (this: ConformanceWorld, count: number) {
  assert.equal((await this.provider.requests('discovery')).length, count);
});

Then(
  'the refusal asks to retry in {int} seconds at most, and at least {int}',
  function (this: ConformanceWorld, most: number, least: number) {
    const retryAfter = Number(this.lastAnswer?.headers['retry-after']);
    assert.ok(retryAfter >= least && retryAfter <= most, `Retry-After: ${this.lastAnswer?.headers['retry-after']}`);
  },
);

Then("the provider's discovery document was fetched at most once", async function (this: ConformanceWorld) {
  const fetched = (await this.provider.requests('discovery')).length;
  assert.ok(fetched <= 1, `discovery fetched ${fetched} times`);
});
