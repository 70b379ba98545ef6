import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';

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

/**
 * A jwks_uri that moves between runs (the OpenID Foundation's oidcc-client-test-discovery-jwks-uri-keys): the
 * document names the provider's keys under a URL of this run's own, which only an integration that takes the
 * jwks_uri from discovery asks for (the mock serves its keys there too: the query, which the mock records, is
 * what differs).
 */
/** The run's own jwks_uri marker, per scenario. */
const jwksRuns = new WeakMap<ConformanceWorld, string>();

Given(
  "the provider's discovery document names a jwks_uri of its own for this run",
  async function (this: ConformanceWorld) {
    const run = randomBytes(8).toString('hex');
    jwksRuns.set(this, run);
    await serveDiscoveryWith(this, { jwks_uri: `${this.provider.issuer}/jwks?run-${run}` });
  },
);

Then("the provider's keys were fetched from that jwks_uri only", async function (this: ConformanceWorld) {
  const run = jwksRuns.get(this);
  assert.ok(run, "an earlier step named the run's jwks_uri");
  const fetched = await this.provider.requests('jwks');
  assert.ok(fetched.length > 0, 'the keys were fetched');
  assert.deepEqual(
    fetched.map((request) => request.queryNames),
    fetched.map(() => [`run-${run}`]),
    'every fetch of the keys went to the jwks_uri of the discovery document',
  );
});

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
