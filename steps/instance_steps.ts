import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { isActiveAtProvider } from './refresh_steps';
import { keyRing } from './storage_steps';
import { ThrowawayDatabase as ScenarioDatabase } from '../dev/throwaway-database';
import { TcpProxy } from './support/tcp-proxy';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld, ProcessResult } from './support/world';
import type { RunningIntegration } from '../src/server';

const second = (world: ConformanceWorld) => world.notes.get('second') as RunningIntegration;

/** The same path on the second instance. */
function onSecond(world: ConformanceWorld, url: string): string {
  const moved = new URL(url);
  const target = new URL(second(world).url);
  moved.host = target.host;
  return moved.href;
}

Given('a second instance of the integration shares its database', async function (this: ConformanceWorld) {
  this.notes.set('second', await this.startSecondServer());
});

When(
  '{person} lists her/his databases {int} times at once, spread over both instances',
  async function (this: ConformanceWorld, person: string, times: number) {
    const agent = this.actor(person).agent;
    const calls = Array.from({ length: times }, (_unused, index) => {
      const url = this.url('/api/databases');
      return agent.get(index % 2 === 0 ? url : onSecond(this, url), { accept: 'application/json' });
    });
    this.notes.set('responses', await Promise.all(calls));
  },
);

When('the provider sends her/him back to the second instance', async function (this: ConformanceWorld) {
  const person = this.lastPerson as string;
  const callback = await this.authorizeAtProvider(person, 'alice');
  const response = await this.deliverCallback(person, onSecond(this, callback));
  assert.equal(response.statusCode, 303, response.body);
});

Given('both instances allow {int} API calls a minute per session', async function (this: ConformanceWorld, points: number) {
  await (this.notes.get('second') as RunningIntegration).close();
  this.environment = { ...this.environment, RATE_LIMITS: `api=${points}/60` };
  await this.reconfigure({});
  this.notes.set('second', await this.startSecondServer());
});

When('{person} asks for her/his connection status twice on each instance', async function (this: ConformanceWorld, person: string) {
  const responses: HttpResponse[] = [];
  for (const url of [this.url('/api/connection'), onSecond(this, this.url('/api/connection'))]) {
    for (const _time of [1, 2]) responses.push(await this.actor(person).agent.get(url, { accept: 'application/json' }));
  }
  this.notes.set('responses', responses);
});

Then(/^her (\d+)(?:st|nd|rd|th) answer is refused with "(\w+)"$/, function (this: ConformanceWorld, nth: string, code: string) {
  const responses = this.notes.get('responses') as HttpResponse[];
  assert.deepEqual(
    responses.map((response) => response.statusCode),
    responses.map((_response, index) => (index === Number(nth) - 1 ? 429 : 200)),
  );
  assert.match(responses[Number(nth) - 1]?.body ?? '', new RegExp(`"error":"${code}"`));
});

When('the integration restarts', async function (this: ConformanceWorld) {
  await this.restartIntegration();
});

When(
  "{person} lists her/his databases, and the integration's process is killed while the provider holds its refresh",
  async function (this: ConformanceWorld, person: string) {
    const call = this.callApi(person, '/api/databases').catch((error: unknown) => error);
    while (!this.mock.requests.to('token').some((request) => request.status === -1)) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const child of this.processes) child.kill('SIGKILL');
    await call;
  },
);

Then(
  'her/his stored refresh token is still the one she/he had, and the provider still accepts it',
  async function (this: ConformanceWorld) {
    const person = this.lastPerson as string;
    const { refreshToken } = await this.storedTokens(person);
    assert.equal(refreshToken, (this.notes.get(`tokens:${person}`) as { refreshToken: string }).refreshToken);
    assert.equal(await isActiveAtProvider(this, refreshToken, 'refresh_token'), true);
  },
);

When('the integration is started again', async function (this: ConformanceWorld) {
  this.processes.length = 0;
  await this.startProcess('src/main.ts', { ...this.environment, LOG_LEVEL: 'warn' }, 'Integration listening on');
});

Given('the integration reaches its database through a proxy', async function (this: ConformanceWorld) {
  const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(this.database?.url as string).port || 3306));
  this.cleanups.push(() => proxy.close());
  this.notes.set('proxy', proxy);
  await this.restartIntegration(this.database?.via('127.0.0.1', proxy.port));
  this.notes.set('snapshot', await this.storedConnection(this.lastPerson as string));
});

When('the database connection is cut', function (this: ConformanceWorld) {
  (this.notes.get('proxy') as TcpProxy).cutOff();
});

When('the database connection is back', function (this: ConformanceWorld) {
  (this.notes.get('proxy') as TcpProxy).restore();
});

Given('the database connection will be cut when the provider receives the first revocation', function (this: ConformanceWorld) {
  // The revocation waits a moment at the provider, the time for the step to cut the database.
  this.mock.faults.failNext('revocation', { delayMs: 300 });
  this.notes.set('cut-on-revocation', true);
});

When('{person} tries to disconnect her/his MySQL account', async function (this: ConformanceWorld, person: string) {
  const actor = this.actor(person);
  const call = actor.agent.post(this.url('/disconnect'), {});
  if (this.notes.get('cut-on-revocation')) {
    while (this.mock.requests.to('revocation').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    (this.notes.get('proxy') as TcpProxy).cutOff();
  }
  actor.response = await call;
  this.lastResponse = actor.response;
});

Then('{person} is disconnected', function (this: ConformanceWorld, person: string) {
  assert.equal(this.actor(person).response?.statusCode, 303);
});

When(
  'the integration is started as its own process with MySQL at a port where nothing listens',
  async function (this: ConformanceWorld) {
    this.notes.set('process', await this.runIntegrationProcess({ ...this.environment, MYSQL_URL: 'mysql://root:s3cret-password@127.0.0.1:1/test' }));
  },
);

Then('it says that MySQL cannot be used, and why', function (this: ConformanceWorld) {
  const { stderr } = this.notes.get('process') as ProcessResult;
  assert.match(stderr, /^The integration cannot start: MySQL at 127\.0\.0\.1:1\/test cannot be used: ECONNREFUSED$/m);
  assert.ok(!stderr.includes('s3cret-password'), 'the password is not shown');
});

Given('the database schema was migrated by a newer version of the integration', async function (this: ConformanceWorld) {
  await this.database?.query("INSERT INTO {db}.schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)");
});

Then('it says that the schema is newer than it knows', function (this: ConformanceWorld) {
  const { stderr } = this.notes.get('process') as ProcessResult;
  assert.match(stderr, /the database schema is at version 99, newer than this integration knows \(1\); run a newer integration/);
});

Given('an empty database', async function (this: ConformanceWorld) {
  const database = await ScenarioDatabase.create();
  await database.drop();
  await this.database?.query(`CREATE DATABASE \`${database.name}\``);
  this.cleanups.push(() => database.drop());
  this.notes.set('empty', database);
});

When('"npm run migrate" runs against it', async function (this: ConformanceWorld) {
  const database = this.notes.get('empty') as ScenarioDatabase;
  this.notes.set('process', await this.runScript('src/cli/migrate.ts', { MYSQL_URL: database.url }));
});

Then('it says it migrated to version {int}', function (this: ConformanceWorld, version: number) {
  const { stdout, status } = this.notes.get('process') as ProcessResult;
  assert.equal(status, 0);
  assert.match(stdout, new RegExp(`Migrated MySQL at 127\\.0\\.0\\.1:3306/it_\\w+ to version ${version} \\(applied 1\\)`));
});

Then('it says it is already at version {int}', function (this: ConformanceWorld, version: number) {
  const { stdout, status } = this.notes.get('process') as ProcessResult;
  assert.equal(status, 0);
  assert.match(stdout, new RegExp(`is already at version ${version}`));
});

When('"npm run rotate-keys" runs with the key ring {string}', async function (this: ConformanceWorld, ring: string) {
  const keys = keyRing(this, ring.split(', '));
  this.notes.set('process', await this.runScript('src/cli/rotate-keys.ts', { MYSQL_URL: this.database?.url, TOKEN_ENCRYPTION_KEYS: keys }));
  await this.reconfigure({ TOKEN_ENCRYPTION_KEYS: keys });
});

Then('it says it re-encrypted {int} connection with key {string}', function (this: ConformanceWorld, count: number, kid: string) {
  const { stdout, status, stderr } = this.notes.get('process') as ProcessResult;
  assert.equal(status, 0, stderr);
  assert.match(stdout, new RegExp(`Re-encrypted with key "${kid}" in MySQL at .*: ${count} connection\\(s\\), 0 queued revocation\\(s\\)`));
});

