import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { Person } from './support/people';
import { startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

async function serveDiscoveryWith(world: ConformanceWorld, change: Record<string, string>): Promise<void> {
  const genuine = (await (await fetch(`${world.provider.issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
  await world.provider.clearRequests();
  await world.provider.failNext('discovery', { status: 200, body: JSON.stringify({ ...genuine, ...change }) });
}

Given(
  "the provider's discovery document names the issuer {string}",
  async function (this: ConformanceWorld, issuer: string) {
    await serveDiscoveryWith(this, { issuer });
  },
);

Given(
  "the provider's discovery document names the token endpoint {string}",
  async function (this: ConformanceWorld, url: string) {
    await serveDiscoveryWith(this, { token_endpoint: url });
  },
);

Given("the provider's discovery will answer {int}", async function (this: ConformanceWorld, status: number) {
  await this.provider.failNext('discovery', { status });
});

Given("the provider's discovery is down", async function (this: ConformanceWorld) {
  await this.provider.failNext('discovery', { status: 503, times: 1000 });
});

When("the provider's discovery is back", async function (this: ConformanceWorld) {
  await this.provider.clearFaults();
});

Then(
  "the provider's discovery document was fetched {int} time(s)",
  async function (this: ConformanceWorld, count: number) {
    assert.equal((await this.provider.requests('discovery')).length, count);
  },
);

When(
  '{person} tries to start connecting her/his MySQL account',
  async function (this: ConformanceWorld, person: Person) {
    await startConnecting(this, person);
  },
);
