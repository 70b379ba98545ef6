import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Given, Then, When } from '@cucumber/cucumber';
import type { Person } from './support/people';
import { Recollection } from './support/recollection';
import { authorizeAtProvider, deliverCallback, signIn, startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function printed(world: ConformanceWorld): string {
  return Recollection.needed(world.recalled.output, 'what the script printed');
}

Given('the demo is started with "npm start"', async function (this: ConformanceWorld) {
  const environment = { PORT: String(await freePort()), MOCK_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  this.recalled.output = await this.processes.start('dev/demo.ts', environment, 'Sign in to the integration');
  const url = /Integration:\s+(\S+)/.exec(printed(this))?.[1];
  assert.ok(url, 'the integration address is printed');
  this.integrationUrl = url;
});

Then(
  "it prints the integration's address, the provider's address and the accounts {string}",
  function (this: ConformanceWorld, accounts: string) {
    const output = printed(this);
    assert.match(output, /Integration:\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.match(output, /Mock provider:\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(output.includes(accounts));
  },
);

When(
  '{person} signs in to the demo and connects her/his MySQL account as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    await signIn(this, person);
    await startConnecting(this, person);
    const response = await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
    assert.equal(response.statusCode, 303);
  },
);

Given('the mock is started alone with "npm run start:mock"', async function (this: ConformanceWorld) {
  const environment = { MOCK_PORT: String(await freePort()) };
  this.recalled.output = await this.processes.start('mock-provider/main.ts', environment, 'accounts:');
});

Then(
  'it prints its issuer, the client id {string}, a client secret and the redirect URI',
  function (this: ConformanceWorld, clientId: string) {
    const output = printed(this);
    assert.match(output, /Issuer: http:\/\/127\.0\.0\.1:\d+/);
    assert.match(output, new RegExp(`client_id:\\s+${clientId}`));
    assert.match(output, /client_secret:\s+[A-Za-z0-9_-]{32}/);
    assert.match(output, /redirect_uri:\s+http:\/\/127\.0\.0\.1:3000\/callback/);
  },
);

Then('its discovery document names that issuer and requires PKCE with S256', async function (this: ConformanceWorld) {
  const issuer = /Issuer: (\S+)/.exec(printed(this))?.[1] as string;
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
  assert.equal(metadata.issuer, issuer);
  assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
  assert.equal(metadata.authorization_response_iss_parameter_supported, true);
});

function issuerOf(world: ConformanceWorld): string {
  return /Issuer: (\S+)/.exec(printed(world))?.[1] as string;
}

When(/^QA posts the fault (\{.*\}) to its control API$/, async function (this: ConformanceWorld, fault: string) {
  this.recalled.controlAnswer = await fetch(`${issuerOf(this)}/__control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: fault,
  });
});

Then(
  'its discovery document answers {int}, then {int}',
  async function (this: ConformanceWorld, first: number, second: number) {
    assert.equal(Recollection.needed(this.recalled.controlAnswer, "the control API's answer").status, 201);
    const url = `${issuerOf(this)}/.well-known/openid-configuration`;
    assert.equal((await fetch(url)).status, first);
    assert.equal((await fetch(url)).status, second);
  },
);

Then(
  'its control API lists {int} requests to discovery, with the statuses {int} and {int}',
  async function (this: ConformanceWorld, count: number, first: number, second: number) {
    const body = (await (await fetch(`${issuerOf(this)}/__control/requests?endpoint=discovery`)).json()) as {
      requests: Array<{ status: number }>;
    };
    assert.equal(body.requests.length, count);
    assert.deepEqual(
      body.requests.map((request) => request.status),
      [first, second],
    );
  },
);

Then('the control API answers {int} {string}', async function (this: ConformanceWorld, status: number, error: string) {
  const response = Recollection.needed(this.recalled.controlAnswer, "the control API's answer");
  assert.equal(response.status, status);
  assert.equal(((await response.json()) as { error: string }).error, error);
});

When("QA moves the mock's clock {int} hours forward", async function (this: ConformanceWorld, hours: number) {
  const response = await fetch(`${issuerOf(this)}/__control/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: hours * 3600 }),
  });
  this.recalled.mockNow = ((await response.json()) as { now: string }).now;
});

Then("the mock's clock reads about {int} hours ahead", function (this: ConformanceWorld, hours: number) {
  const ahead = Date.parse(Recollection.needed(this.recalled.mockNow, "the mock's clock")) - Date.now();
  assert.ok(Math.abs(ahead - hours * 3_600_000) < 60_000, `the mock is ${ahead} ms ahead`);
});
