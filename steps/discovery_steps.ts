import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ConformanceWorld } from './support/world';

async function serveDiscoveryWith(world: ConformanceWorld, change: Record<string, string>): Promise<void> {
  const genuine = (await (await fetch(`${world.mock.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  world.mock.faults.failNext('discovery', { status: 200, body: JSON.stringify({ ...genuine, ...change }) });
}

Given("the provider's discovery document names the issuer {string}", async function (this: ConformanceWorld, issuer: string) {
  await serveDiscoveryWith(this, { issuer });
});

Given("the provider's discovery document names the token endpoint {string}", async function (this: ConformanceWorld, url: string) {
  await serveDiscoveryWith(this, { token_endpoint: url });
});

Given("the provider's discovery will answer {int}", function (this: ConformanceWorld, status: number) {
  this.mock.faults.failNext('discovery', { status });
});

Given("the provider's discovery is down", function (this: ConformanceWorld) {
  this.mock.faults.failNext('discovery', { status: 503, times: 1000 });
});

When("the provider's discovery is back", function (this: ConformanceWorld) {
  this.mock.faults.clear();
});

Then("the provider's discovery document was fetched {int} time(s)", function (this: ConformanceWorld, count: number) {
  assert.equal(this.mock.requests.to('discovery').length, count);
});

When('{person} tries to start connecting her/his MySQL account', async function (this: ConformanceWorld, person: string) {
  await this.startConnecting(person);
});
