/**
 * Readiness under anonymous load (issue 13, defect 3): `/readyz` answers
 * from what the integration already knows of the provider, so callers from
 * outside cannot spend the provider's limits and take instances out of a
 * load balancer. Judged by what the provider saw.
 */
import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { got } from 'got';
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
          retry: { limit: 0 },
          headers: { accept: 'application/json' },
        }),
      );
    }
    this.recalled.answers = answers;
  },
);

Then('every readiness answer is 200 with the provider {string}', function (this: ConformanceWorld, provider: string) {
  const answers = this.recalled.answers ?? [];
  assert.ok(answers.length > 0, 'readiness was asked');
  for (const [index, answer] of answers.entries()) {
    assert.equal(answer.statusCode, 200, `answer ${index + 1}: ${answer.statusCode} ${answer.body}`);
    assert.equal((JSON.parse(answer.body) as { checks: { provider: string } }).checks.provider, provider);
  }
});

Then("the provider's discovery document was fetched at most once", async function (this: ConformanceWorld) {
  const fetched = (await this.provider.requests('discovery')).length;
  assert.ok(fetched <= 1, `discovery fetched ${fetched} times`);
});
