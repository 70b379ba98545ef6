/**
 * Steps of features/vendor-api.feature: the vendor's resource API as a
 * client holding a token sees it. Each scenario starts a mock of its own
 * (in this process, its vendor data in memory or, on the mysql profile, in
 * MariaDB), and a bare OAuth client of the mock authorizes as a demo account
 * through the mock's own pages with the scopes the scenario names, then calls
 * the API with the access token. What the vendor holds and what its database
 * refused are read through the provider driver's `vendorData` control.
 * At the end, the integration's answer when the vendor's API is not where
 * its API_BASE_URL points (features/api-access.feature, contract 3.5).
 */
import { strict as assert } from 'node:assert';

import { After, Given, Then, When } from '@cucumber/cucumber';
import { createConnection, type RowDataPacket } from 'mysql2/promise';

import { MysqlPlane } from '../mock-provider/vendor-data';
import { lockOf } from '../mock-provider/vendor-data/mysql-seed';
import { assertRefused } from './support/outcomes';
import type { VendorDataState } from './support/provider-driver';
import { secretsSeen } from './support/secret-scan';
import { callApi } from './support/tasks';
import { TcpProxy } from './support/tcp-proxy';
import { adminUrl, leftoversOf, VendorRun } from './support/vendor-client';
import type { ConformanceWorld } from './support/world';

const runs = new WeakMap<object, VendorRun>();

function runOf(world: object): VendorRun {
  const run = runs.get(world);
  assert.ok(run, 'the scenario started a mock for its client');
  return run;
}

async function runFor(world: ConformanceWorld): Promise<VendorRun> {
  const existing = runs.get(world);
  if (existing) return existing;
  const run = await VendorRun.start(world.storeKind);
  runs.set(world, run);
  return run;
}

After(async function (this: ConformanceWorld) {
  const run = runs.get(this);
  if (!run) return;
  runs.delete(this);
  await Promise.allSettled([run.stop(), run.proxy?.close(), ...run.extraPlanes.map((plane) => plane.close())]);
});

const guest = { name: 'Knave of Hearts', seat: 5 };
const split = (qualified: string): [string, string] => {
  const [database = '', table = ''] = qualified.split('.');
  return [database, table];
};
const names = (list: string): string[] => list.split(',').map((name) => name.trim());

// ---- tokens and modes ----

Given(
  "a client holds an access token of {word}'s for {string}",
  async function (this: ConformanceWorld, account: string, scopes: string) {
    const run = await runFor(this);
    await run.obtainToken(account, scopes);
    run.baseline = await run.driver.vendorData();
  },
);

Given('the provider has revoked that access token', async function (this: ConformanceWorld) {
  const run = runOf(this);
  await run.driver.revokeAccessToken(run.accessToken);
});

Given("the vendor's API checks are bypassed", async function (this: ConformanceWorld) {
  await runOf(this).driver.bypassApiChecks(true);
});

// ---- calls ----

When('the client lists the tables of {string}', async function (this: ConformanceWorld, database: string) {
  await runOf(this).call('GET', `/databases/${encodeURIComponent(database)}/tables`);
});

When(
  /^the client (lists the tables|reads the rows of "\w+"|adds a guest to "\w+") of Alice's "(\w+)"$/,
  async function (this: ConformanceWorld, call: string, database: string) {
    const run = runOf(this);
    const table = /"(\w+)"/.exec(call)?.[1] ?? '';
    if (call === 'lists the tables') await run.call('GET', `/databases/${database}/tables`);
    else if (call.startsWith('reads')) await run.rows(database, table);
    else await run.insert(database, table, guest);
  },
);

When(
  /^the client (?:has )?read(?:s)? the rows of "(\w+)\.(\w+)"$/,
  async function (this: ConformanceWorld, database: string, table: string) {
    await runOf(this).rows(database, table);
  },
);

When(
  'the client reads every page of {string}, following {string}',
  async function (this: ConformanceWorld, qualified: string, cursorField: string) {
    const run = runOf(this);
    const [database, table] = split(qualified);
    let answer = await run.rows(database, table);
    // The page's own cursor, by the name the scenario gives, passed back as `after`.
    for (let page = 0; page < 10 && answer.status === 200; page += 1) {
      const cursor = answer.body[cursorField];
      if (typeof cursor !== 'string') break;
      answer = await run.rows(database, table, `after=${encodeURIComponent(cursor)}`);
    }
  },
);

When(
  /^the client reads "(\w+)\.(\w+)" with (\S+)$/,
  async function (this: ConformanceWorld, database: string, table: string, query: string) {
    await runOf(this).rows(database, table, query);
  },
);

When('the client adds a guest to {string}', async function (this: ConformanceWorld, qualified: string) {
  const [database, table] = split(qualified);
  await runOf(this).insert(database, table, guest);
});

When(
  /^the client adds to "(\w+)\.(\w+)" the values (.+)$/,
  async function (this: ConformanceWorld, database: string, table: string, values: string) {
    await runOf(this).insert(database, table, JSON.parse(values));
  },
);

When(
  /^the client sends to "(\w+)\.(\w+)" (.+) as "([^"]+)"$/,
  async function (this: ConformanceWorld, database: string, table: string, body: string, type: string) {
    const raw =
      body === 'a value of 20 kB' ? JSON.stringify({ values: { name: 'K'.repeat(20 * 1024), seat: 5 } }) : body;
    await runOf(this).send(database, table, raw, type);
  },
);

When(
  'the client reads the rows of the table {string} in {string}, then adds a guest to it',
  async function (this: ConformanceWorld, table: string, database: string) {
    const run = runOf(this);
    await run.rows(database, table);
    await run.insert(database, table, guest);
  },
);

// ---- answers ----

Then("the vendor's API answers {int} {string}", function (this: ConformanceWorld, status: number, error: string) {
  const { last } = runOf(this);
  assert.equal(last.status, status, JSON.stringify(last.body));
  assert.equal(last.body.error, error);
});

Then('both answers are {int} {string}', function (this: ConformanceWorld, status: number, error: string) {
  const answers = runOf(this).answers.slice(-2);
  assert.deepEqual(
    answers.map((answer) => [answer.status, answer.body.error]),
    [
      [status, error],
      [status, error],
    ],
  );
});

Then(
  "the vendor's API answers 403 {string}, naming the scope {string}",
  function (this: ConformanceWorld, error: string, scope: string) {
    const { last } = runOf(this);
    assert.equal(last.status, 403, JSON.stringify(last.body));
    assert.equal(last.body.error, error);
    assert.match(last.wwwAuthenticate ?? '', new RegExp(`^Bearer .*error="${error}".*scope="${scope}"`));
    // RFC 6750 3: each attribute a quoted string without `"` or `\` inside.
    assert.match(last.wwwAuthenticate ?? '', /^Bearer realm="[^"\\]*"(, [a-z_]+="[^"\\]*")*$/);
  },
);

Then(
  'it sees the tables {string}, each with {string} as its first column of type {string}',
  function (this: ConformanceWorld, tables: string, column: string, type: string) {
    const { last } = runOf(this);
    assert.equal(last.status, 200, JSON.stringify(last.body));
    const listed = last.body.tables as Array<{ name: string; columns: Array<{ name: string; type: string }> }>;
    assert.deepEqual(
      listed.map((table) => table.name),
      names(tables),
    );
    for (const table of listed) {
      assert.deepEqual(table.columns[0], { name: column, type });
      assert.ok(table.columns.length > 1, `${table.name} has columns besides ${column}`);
    }
  },
);

Then(
  'the rows of {string} are {string} in the order of their id',
  async function (this: ConformanceWorld, qualified: string, expected: string) {
    const [database, table] = split(qualified);
    const answer = await runOf(this).rows(database, table);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const rows = answer.body.rows as Array<{ id: number; name: string }>;
    assert.deepEqual(
      rows.map((row) => row.name),
      names(expected),
    );
    assert.deepEqual(
      rows.map((row) => row.id),
      [...rows.map((row) => row.id)].sort((a, b) => a - b),
    );
  },
);

Then(
  /^it read pages of ([0-9, and]+) rows, (\d+) distinct rows in increasing id order$/,
  function (this: ConformanceWorld, sizes: string, total: string) {
    const pages = runOf(this).answers;
    assert.ok(
      pages.every((page) => page.status === 200),
      JSON.stringify(pages.map((page) => page.body)),
    );
    const lists = pages.map((page) => page.body.rows as Array<{ id: number }>);
    assert.deepEqual(
      lists.map((rows) => rows.length),
      sizes.split(/, | and /).map(Number),
    );
    const ids = lists.flat().map((row) => row.id);
    assert.equal(new Set(ids).size, Number(total));
    assert.ok(
      ids.every((id, index) => index === 0 || id > (ids[index - 1] ?? 0)),
      'in increasing id order',
    );
  },
);

Then("the last page's {string} is null", function (this: ConformanceWorld, field: string) {
  assert.equal(runOf(this).last.body[field], null);
});

Then('it gets {int} rows and {string} is null', function (this: ConformanceWorld, count: number, field: string) {
  const { last } = runOf(this);
  assert.equal(last.status, 200, JSON.stringify(last.body));
  assert.equal((last.body.rows as unknown[]).length, count);
  assert.equal(last.body[field], null);
});

Then(
  "the vendor's API answers 201 with the new row, its id assigned by the database",
  function (this: ConformanceWorld) {
    const { last, baseline } = runOf(this);
    assert.equal(last.status, 201, JSON.stringify(last.body));
    const before =
      baseline?.databases
        .find((database) => database.name === 'tea_party')
        ?.tables.find((table) => table.name === 'guests')?.rows ?? 0;
    assert.deepEqual(last.body.row, { id: before + 1, ...guest });
  },
);

Then(/^the vendor's API answers 201 with the row (\{.+\})$/, function (this: ConformanceWorld, row: string) {
  const { last } = runOf(this);
  assert.equal(last.status, 201, JSON.stringify(last.body));
  assert.deepEqual(last.body.row, JSON.parse(row));
});

Then('{string} holds one row more, the new guest last', async function (this: ConformanceWorld, qualified: string) {
  const run = runOf(this);
  const [database, table] = split(qualified);
  const count = (state: VendorDataState | undefined) =>
    state?.databases.find((entry) => entry.name === database)?.tables.find((entry) => entry.name === table)?.rows ?? -1;
  assert.equal(count(await run.driver.vendorData()), count(run.baseline) + 1, 'the database holds one row more');
  const rows = (await run.rows(database, table)).body.rows as Array<Record<string, unknown>>;
  assert.deepEqual(rows.at(-1), runOf(this).answers.at(-2)?.body.row);
});

Then("the vendor's data is unchanged", async function (this: ConformanceWorld) {
  const run = runOf(this);
  assert.deepEqual((await run.driver.vendorData()).databases, run.baseline?.databases);
});

Then(
  /^the vendor's database refused the (INSERT|SELECT) as (\w+)'s (read-only|read-write) user$/,
  async function (this: ConformanceWorld, statement: string, account: string, role: string) {
    const state = await runOf(this).driver.vendorData();
    const refusal = state.refusals.at(-1);
    assert.ok(refusal, 'the database refused a statement');
    assert.equal(
      refusal.by,
      state.store,
      state.store === 'mysql' ? "refused by MySQL's own grants" : 'refused by the grants kept in memory',
    );
    assert.deepEqual(
      [refusal.statement, refusal.account, refusal.role],
      [statement, account, role === 'read-only' ? 'read' : 'write'],
    );
    assert.match(refusal.code, /^ER_(TABLE|DB)ACCESS_DENIED_ERROR$/);
    if (state.store === 'mysql')
      assert.match(refusal.user, new RegExp(`^vd_[0-9a-f]{8}_${account}_${role === 'read-only' ? 'ro' : 'rw'}$`));
  },
);

// ---- the vendor's MySQL ----

Given("the vendor's database is reached through a proxy", async function (this: ConformanceWorld) {
  const run = runOf(this);
  const server = new URL(adminUrl());
  run.proxy = await TcpProxy.start(server.hostname, Number(server.port || 3306));
  await run.plane.reroute('127.0.0.1', run.proxy.port);
});

When("the connection to the vendor's database is cut", function (this: ConformanceWorld) {
  runOf(this).proxy?.cutOff();
});

When("the connection to the vendor's database is back", function (this: ConformanceWorld) {
  runOf(this).proxy?.restore();
});

When('the mock stops', async function (this: ConformanceWorld) {
  const run = runOf(this);
  run.runIds.stopped = await run.plane.seed();
  await run.stop();
});

Then('no database or MySQL user of its run is left on the server', async function (this: ConformanceWorld) {
  const runId = runOf(this).runIds.stopped ?? '';
  assert.match(runId, /^[0-9a-f]{8}$/);
  assert.deepEqual(await leftoversOf(runId), { databases: [], users: [] });
});

Given(
  "a run of the vendor's data crashed, leaving its databases and users on the server",
  async function (this: ConformanceWorld) {
    const crashed = new MysqlPlane(adminUrl());
    const runId = await crashed.seed();
    // The crash, from outside: the server ends the connection that
    // holds the run's lock, as it would for a dead process.
    const admin = await createConnection({ uri: adminUrl() });
    try {
      const [[holder]] = await admin.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) AS id', [lockOf(runId)]);
      await admin.query('KILL CONNECTION ?', [Number(holder?.id)]);
    } finally {
      await admin.end();
    }
    const left = await leftoversOf(runId);
    assert.equal(left.databases.length, 3);
    assert.equal(left.users.length, 4);
    (await runFor(this)).runIds.crashed = runId;
  },
);

When("another run of the vendor's data starts", async function (this: ConformanceWorld) {
  const run = await runFor(this);
  const next = new MysqlPlane(adminUrl());
  run.extraPlanes.push(next);
  run.runIds.next = await next.seed();
});

Then(
  "the crashed run's databases and users are gone, and the new run's are there",
  async function (this: ConformanceWorld) {
    const { crashed = '', next = '' } = runOf(this).runIds;
    assert.deepEqual(await leftoversOf(crashed), { databases: [], users: [] });
    const fresh = await leftoversOf(next);
    assert.deepEqual([fresh.databases.length, fresh.users.length], [3, 4]);
  },
);

// ---- the consent page ----

When(
  'a client asks {word} for {string} and she presses Decline',
  async function (this: ConformanceWorld, account: string, scopes: string) {
    const run = await runFor(this);
    run.sentBack = (await run.authorize(account, scopes, 'deny')).callback;
  },
);

Then('the client is sent back with the error {string} and no code', function (this: ConformanceWorld, error: string) {
  const { sentBack } = runOf(this);
  assert.equal(sentBack?.searchParams.get('error'), error);
  assert.equal(sentBack?.searchParams.get('code'), null);
});

Then('the consent page named {string} in words', function (this: ConformanceWorld, scope: string) {
  const page = runOf(this).consentPage;
  assert.match(page, new RegExp(`<li>[^<]+ <code>${scope}</code></li>`));
  assert.match(page, /<button type="submit" name="decision" value="deny">Decline<\/button>/);
});

// ---- the integration, when the vendor's API is not where API_BASE_URL says (contract 3.5, 4.2) ----

Given(
  "the vendor's API has moved to {string}, away from the integration's API base URL",
  async function (this: ConformanceWorld, path: string) {
    // The integration keeps calling its API base URL (by default `<issuer>/v1`), where nothing answers any more.
    const moved = await this.provider.setResourceBasePath(path);
    assert.notEqual(new URL(moved).pathname, '/v1', 'the API moved away from the default base');
  },
);

Then(
  'it is refused with {code}, naming API_BASE_URL and no secret',
  async function (this: ConformanceWorld, code: string) {
    const answer = this.people.subject.response;
    assertRefused(answer, code);
    const { message } = JSON.parse(answer?.body ?? '{}') as { message?: unknown };
    assert.match(String(message), /\bAPI_BASE_URL\b/, 'the message tells the operator which setting to check');
    const whole = `${answer?.body ?? ''}${JSON.stringify(answer?.headers ?? {})}`;
    for (const secret of await secretsSeen(this))
      assert.ok(!whole.includes(secret), `a secret (${secret.slice(0, 4)}…) appears in the answer`);
    // The 404 came from where API_BASE_URL points: the vendor's API itself, at its new base, saw no request.
    assert.deepEqual(await this.provider.requests('resource'), [], 'the moved API received nothing');
  },
);

Then(
  'when she/he lists the tables of {string}, it is refused with {code}',
  async function (this: ConformanceWorld, database: string, code: string) {
    const person = this.people.subject;
    assertRefused(await callApi(this, person, `/api/databases/${encodeURIComponent(database)}/tables`), code);
  },
);
