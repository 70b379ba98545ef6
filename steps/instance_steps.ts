import { strict as assert } from 'node:assert';

import { After, Before, Given, Then, When } from '@cucumber/cucumber';

import type { RunningIntegration } from '../src/server';
import { ThrowawayDatabase } from '../testkit/throwaway-database';
import { keyRing } from './storage_steps';
import { isSeeOther } from './support/expected-status';
import { InProcessIntegration } from './support/in-process-integration';
import type { Person } from './support/people';
import { callsScene } from './support/scenes/calls';
import { rememberConnectionBefore } from './support/scenes/connection-before';
import { ownProcessScene } from './support/scenes/own-process';
import { needed, sceneOf } from './support/scenes/scene';
import { authorizeAtProvider, callApi, deliverCallback } from './support/tasks';
import { TcpProxy } from './support/tcp-proxy';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

/** What the instance steps remember (ours in-process, the mysql profile). */
interface InstanceScene {
  /** A second instance of ours on the same database. */
  secondInstance?: RunningIntegration;
  /** The TCP proxy between ours and its database. */
  databaseProxy?: TcpProxy;
  /** Whether the database is to be cut when the provider receives the first revocation. */
  cutOnRevocation: boolean;
  /** An empty database, for the migration CLI. */
  emptyDatabase?: ThrowawayDatabase;
}

const instanceScene = sceneOf<InstanceScene>(() => ({ cutOnRevocation: false }));

const second = (world: ConformanceWorld): RunningIntegration =>
  needed(instanceScene(world).secondInstance, 'a second instance');

/** The same path on the second instance. */
function onSecond(world: ConformanceWorld, url: string): string {
  const moved = new URL(url);
  moved.host = new URL(second(world).url).host;
  return moved.href;
}

// A scenario that tests the migrations starts on a fresh database of its own, not an emptied one from the pool
// (testkit/throwaway-database.ts). These hooks load before the one that starts the integration
// (steps/support/hooks.ts).
Before({ tags: '@migrations' }, function () {
  InProcessIntegration.ownDatabaseForNext = true;
});

After({ tags: '@migrations' }, function () {
  InProcessIntegration.ownDatabaseForNext = false;
});

Given('a second instance of the integration shares its database', async function (this: ConformanceWorld) {
  instanceScene(this).secondInstance = await this.inProcess.startSecondServer();
});

When(
  '{person} lists her/his databases {int} times at once, spread over both instances',
  async function (this: ConformanceWorld, person: Person, times: number) {
    const calls = Array.from({ length: times }, (_unused, index) => {
      const url = this.url('/api/databases');
      return person.agent.get(index % 2 === 0 ? url : onSecond(this, url), { accept: 'application/json' });
    });
    callsScene(this).answers = await Promise.all(calls);
  },
);

When('the provider sends her/him back to the second instance', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const response = await deliverCallback(
    this,
    person,
    onSecond(this, await authorizeAtProvider(this, person, 'alice')),
  );
  assert.ok(isSeeOther(response.statusCode), `${response.statusCode} ${response.body}`);
});

Given(
  'both instances allow {int} API calls a minute per session',
  async function (this: ConformanceWorld, points: number) {
    await second(this).close();
    await this.inProcess.reconfigure({ RATE_LIMITS: `api=${points}/60` });
    instanceScene(this).secondInstance = await this.inProcess.startSecondServer();
  },
);

When(
  '{person} asks for her/his connection status twice on each instance',
  async function (this: ConformanceWorld, person: Person) {
    const answers: HttpResponse[] = [];
    for (const url of [this.url('/api/connection'), onSecond(this, this.url('/api/connection'))]) {
      for (const _time of [1, 2]) answers.push(await person.agent.get(url, { accept: 'application/json' }));
    }
    callsScene(this).answers = answers;
  },
);

Then(
  /^her (\d+)(?:st|nd|rd|th) answer is refused with "(\w+)"$/,
  function (this: ConformanceWorld, nth: string, code: string) {
    const answers = needed(callsScene(this).answers, 'the answers');
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      answers.map((_answer, index) => (index === Number(nth) - 1 ? 429 : 200)),
    );
    assert.match(answers[Number(nth) - 1]?.body ?? '', new RegExp(`"error":"${code}"`));
  },
);

When('the integration restarts', async function (this: ConformanceWorld) {
  await this.inProcess.restart();
});

When(
  "{person} lists her/his databases, and the integration's process is killed while the provider holds its refresh",
  async function (this: ConformanceWorld, person: Person) {
    const call = callApi(this, person, '/api/databases').catch((error: unknown) => error);
    while (!(await this.provider.requests('token')).some((request) => request.status === -1))
      await new Promise((resolve) => setTimeout(resolve, 10));
    this.processes.crash();
    await call;
  },
);

Then(
  'her/his stored refresh token is still the one she/he had, and the provider still accepts it',
  async function (this: ConformanceWorld) {
    const person = this.people.subject;
    const { refreshToken } = await this.store.tokens(person.username);
    assert.equal(refreshToken, person.tokensAtConnect.refreshToken);
    assert.equal((await this.provider.tokenState(refreshToken as string)).active, true);
  },
);

When('the integration is started again', async function (this: ConformanceWorld) {
  await this.processes.start(
    'src/main.ts',
    { ...this.inProcess.environment, LOG_LEVEL: 'warn' },
    'Integration listening on',
  );
});

Given('the integration reaches its database through a proxy', async function (this: ConformanceWorld) {
  const database = needed(this.inProcess.database, "the scenario's database");
  const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(database.url).port || 3306));
  this.inProcess.onStop(() => proxy.close());
  instanceScene(this).databaseProxy = proxy;
  await this.inProcess.restart(database.via('127.0.0.1', proxy.port));
  await rememberConnectionBefore(this, this.people.subject);
});

When('the database connection is cut', function (this: ConformanceWorld) {
  needed(instanceScene(this).databaseProxy, 'the database proxy').cutOff();
});

When('the database connection is back', function (this: ConformanceWorld) {
  needed(instanceScene(this).databaseProxy, 'the database proxy').restore();
});

Given(
  'the database connection will be cut when the provider receives the first revocation',
  async function (this: ConformanceWorld) {
    // The revocation waits a moment at the provider, the time for the step to cut the database.
    await this.provider.failNext('revocation', { delayMs: 300 });
    instanceScene(this).cutOnRevocation = true;
  },
);

When('{person} tries to disconnect her/his MySQL account', async function (this: ConformanceWorld, person: Person) {
  const call = person.agent.post(this.url('/disconnect'), {});
  if (instanceScene(this).cutOnRevocation) {
    while ((await this.provider.requests('revocation')).length === 0)
      await new Promise((resolve) => setTimeout(resolve, 5));
    needed(instanceScene(this).databaseProxy, 'the database proxy').cutOff();
  }
  person.response = await call;
  this.lastAnswer = person.response;
});

Then('{person} is disconnected', function (this: ConformanceWorld, person: Person) {
  assert.ok(isSeeOther(person.response?.statusCode), `${person.response?.statusCode}`);
});

When(
  'the integration is started as its own process with MySQL at a port where nothing listens',
  async function (this: ConformanceWorld) {
    ownProcessScene(this).process = await this.processes.run('src/main.ts', {
      ...this.inProcess.environment,
      MYSQL_URL: 'mysql://root:s3cret-password@127.0.0.1:1/test',
    });
  },
);

Then('it says that MySQL cannot be used, and why', function (this: ConformanceWorld) {
  const { stderr } = needed(ownProcessScene(this).process, 'a process');
  assert.match(stderr, /^The integration cannot start: MySQL at 127\.0\.0\.1:1\/test cannot be used: ECONNREFUSED$/m);
  assert.ok(!stderr.includes('s3cret-password'), 'the password is not shown');
});

Given(
  'the database schema was migrated by a newer version of the integration',
  async function (this: ConformanceWorld) {
    const database = needed(this.inProcess.database, "the scenario's database");
    assert.ok(!database.pooled, 'a scenario that changes the schema has a database of its own: tag it @migrations');
    await database.query(
      "INSERT INTO {db}.schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)",
    );
  },
);

Then('it says that the schema is newer than it knows', function (this: ConformanceWorld) {
  const { stderr } = needed(ownProcessScene(this).process, 'a process');
  assert.match(
    stderr,
    /the database schema is at version 99, newer than this integration knows \(3\); run a newer integration/,
  );
});

Given('an empty database', async function (this: ConformanceWorld) {
  const database = await ThrowawayDatabase.createEmpty();
  this.inProcess.onStop(() => database.drop());
  instanceScene(this).emptyDatabase = database;
});

When('"npm run migrate" runs against it', async function (this: ConformanceWorld) {
  const database = needed(instanceScene(this).emptyDatabase, 'the empty database');
  ownProcessScene(this).process = await this.processes.run('src/cli/migrate.ts', { MYSQL_URL: database.url });
});

Then('it says it migrated to version {int}', function (this: ConformanceWorld, version: number) {
  const { stdout, status } = needed(ownProcessScene(this).process, 'a process');
  assert.equal(status, 0);
  assert.match(
    stdout,
    new RegExp(`Migrated MySQL at 127\\.0\\.0\\.1:3306/it_\\w+ to version ${version} \\(applied [\\d, ]+\\)`),
  );
});

Then('it says it is already at version {int}', function (this: ConformanceWorld, version: number) {
  const { stdout, status } = needed(ownProcessScene(this).process, 'a process');
  assert.equal(status, 0);
  assert.match(stdout, new RegExp(`is already at version ${version}`));
});

When('"npm run rotate-keys" runs with the key ring {string}', async function (this: ConformanceWorld, ring: string) {
  const keys = keyRing(this, ring.split(', '));
  ownProcessScene(this).process = await this.processes.run('src/cli/rotate-keys.ts', {
    MYSQL_URL: this.inProcess.database?.url,
    TOKEN_ENCRYPTION_KEYS: keys,
  });
  await this.inProcess.reconfigure({ TOKEN_ENCRYPTION_KEYS: keys });
});

Then(
  'it says it re-encrypted {int} connection with key {string}',
  function (this: ConformanceWorld, count: number, kid: string) {
    const { stdout, status, stderr } = needed(ownProcessScene(this).process, 'a process');
    assert.equal(status, 0, stderr);
    assert.match(
      stdout,
      new RegExp(
        `Re-encrypted with key "${kid}" in MySQL at .*: ${count} connection\\(s\\), 0 queued revocation\\(s\\)`,
      ),
    );
  },
);
