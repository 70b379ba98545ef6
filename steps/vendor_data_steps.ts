/**
 * The user's tables through the integration (contract 3.5): columns, rows
 * page by page, inserts, and what the vendor holds afterwards. Only the
 * routes of the contract are used, and the vendor's side is read through the
 * mock's controls (row counts per table), so these steps check any
 * integration.
 */
import { strict as assert } from 'node:assert';

import { After, Given, Then, When } from '@cucumber/cucumber';
import { type Connection, createConnection, type RowDataPacket } from 'mysql2/promise';

import { databasesByAccount } from '../mock-provider/fixtures';
import { MysqlPlane, type Role } from '../mock-provider/vendor-data';
import { quoteIdentifier } from '../mock-provider/vendor-data/identifiers';
import { connectingHost, physicalName, userKey } from '../mock-provider/vendor-data/mysql-seed';
import type { Person } from './support/people';
import type { VendorDataState } from './support/provider-driver';
import { callApi } from './support/tasks';
import type { HttpResponse } from './support/user-agent';
import { adminUrl } from './support/vendor-client';
import type { ConformanceWorld } from './support/world';

/** What these steps remember within a scenario. */
interface Remembered {
  /** What the vendor held before the first step of this file that could change it. */
  vendorBefore?: VendorDataState;
  /** The pages read one after another. */
  pages?: Array<{ rows: Array<Record<string, unknown>>; next: string | null }>;
  /** A database the scenario made on the vendor's server (its physical name), dropped after it. */
  lookAlike?: string;
  /** What the vendor's MySQL server answered a statement run as an account's own user. */
  serverAnswer?: { rows?: unknown; code?: string };
}

const remembered = new WeakMap<ConformanceWorld, Remembered>();

export function rememberedBy(world: ConformanceWorld): Remembered {
  let entry = remembered.get(world);
  if (!entry) {
    entry = {};
    remembered.set(world, entry);
  }
  return entry;
}

/** Remember what the vendor holds, once, before the scenario's first attempt to change it. */
export async function noteVendorData(world: ConformanceWorld): Promise<void> {
  const entry = rememberedBy(world);
  entry.vendorBefore ??= await world.provider.vendorData();
}

/** "tea_party.guests" -> the database and the table. */
export function qualified(name: string): { database: string; table: string } {
  const [database, table] = name.split('.');
  assert.ok(database && table, `"${name}" names a database and a table`);
  return { database, table };
}

function rowsPath(database: string, table: string, query = ''): string {
  return `/api/databases/${encodeURIComponent(database)}/tables/${encodeURIComponent(table)}/rows${query}`;
}

/** How many rows the vendor holds in a table (read as its administrator). */
export async function rowsHeld(world: ConformanceWorld, name: string): Promise<number> {
  const { database, table } = qualified(name);
  const held = (await world.provider.vendorData()).databases
    .find((candidate) => candidate.name === database)
    ?.tables.find((candidate) => candidate.name === table);
  assert.ok(held, `the vendor holds ${name}`);
  return held.rows;
}

/** A POST of one row to the integration, as its own page's script would send it. */
export async function addRow(
  world: ConformanceWorld,
  person: Person,
  name: string,
  values: Record<string, unknown>,
): Promise<HttpResponse> {
  await noteVendorData(world);
  const { database, table } = qualified(name);
  person.response = await person.agent.postJson(world.url(rowsPath(database, table)), { values });
  world.lastAnswer = person.response;
  return person.response;
}

function bodyOf(response: HttpResponse | undefined): Record<string, unknown> {
  assert.ok(response, 'an answer');
  assert.equal(response.statusCode, 200, `the answer: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return JSON.parse(response.body) as Record<string, unknown>;
}

function pageOf(response: HttpResponse | undefined): { rows: Array<Record<string, unknown>>; next: string | null } {
  const body = bodyOf(response);
  assert.ok(Array.isArray(body.rows), 'the answer holds "rows"');
  assert.ok(body.next === null || typeof body.next === 'string', '"next" is a cursor or null');
  return { rows: body.rows as Array<Record<string, unknown>>, next: body.next };
}

function assertIdOrder(rows: ReadonlyArray<Record<string, unknown>>): void {
  const ids = rows.map((row) => row.id);
  assert.ok(
    ids.every((id) => typeof id === 'number'),
    'every row has a numeric id',
  );
  assert.ok(
    ids.every((id, index) => index === 0 || id > (ids[index - 1] as number)),
    `ids in increasing order, each once: ${ids.join(', ')}`,
  );
}

Given("the vendor's tables have been noted as they are", async function (this: ConformanceWorld) {
  await noteVendorData(this);
});

// ---- reading ----

When('{person} reads the rows of {string}', async function (this: ConformanceWorld, person: Person, name: string) {
  const { database, table } = qualified(name);
  await callApi(this, person, rowsPath(database, table));
});

When(
  '{person} reads the rows of {string}, {int} at a time',
  async function (this: ConformanceWorld, person: Person, name: string, limit: number) {
    const { database, table } = qualified(name);
    await callApi(this, person, rowsPath(database, table, `?limit=${limit}`));
  },
);

When(
  '{person} reads the rows of {string} with the limit {string}',
  async function (this: ConformanceWorld, person: Person, name: string, limit: string) {
    const { database, table } = qualified(name);
    await callApi(this, person, rowsPath(database, table, `?limit=${encodeURIComponent(limit)}`));
  },
);

When(
  '{person} reads the rows of the table {string} in {string}',
  async function (this: ConformanceWorld, person: Person, table: string, database: string) {
    await noteVendorData(this);
    await callApi(this, person, rowsPath(database, table));
  },
);

When(
  '{person} reads every page of {string}, {int} rows at a time',
  async function (this: ConformanceWorld, person: Person, name: string, limit: number) {
    const { database, table } = qualified(name);
    const pages: Array<{ rows: Array<Record<string, unknown>>; next: string | null }> = [];
    let after: string | null = null;
    do {
      const query: string = `?limit=${limit}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
      const page = pageOf(await callApi(this, person, rowsPath(database, table, query)));
      assert.ok(page.rows.length <= limit, `a page holds at most ${limit} rows, not ${page.rows.length}`);
      pages.push(page);
      after = page.next;
      assert.ok(pages.length <= 100, 'the pages come to an end');
    } while (after !== null);
    rememberedBy(this).pages = pages;
  },
);

Then('the table {string} has the columns {string}', function (this: ConformanceWorld, table: string, columns: string) {
  const tables = bodyOf(this.people.subject.response).tables as Array<{
    name: string;
    columns?: Array<{ name: string; type?: unknown }>;
  }>;
  const found = tables.find((candidate) => candidate.name === table);
  assert.ok(found?.columns, `"${table}" is listed with its columns`);
  assert.deepEqual(
    found.columns.map((column) => column.name),
    columns.split(', '),
  );
  assert.ok(
    found.columns.every((column) => typeof column.type === 'string' && column.type !== ''),
    'each column has its type',
  );
});

Then('she/he sees the rows whose name is {string}', function (this: ConformanceWorld, names: string) {
  const { rows } = pageOf(this.people.subject.response);
  // The seeded rows first; a remote mock keeps rows that an earlier scenario added after them.
  const seeded = names.split(', ');
  assert.deepEqual(
    rows.slice(0, seeded.length).map((row) => row.name),
    seeded,
  );
  assert.ok(this.mode === 'remote' || rows.length === seeded.length, 'no other rows');
  assertIdOrder(rows);
});

Then("no answer {person} got holds a row of Alice's", function (this: ConformanceWorld, person: Person) {
  const body = person.response?.body ?? '';
  const alices = (databasesByAccount.alice ?? []).flatMap((database) =>
    database.tables.flatMap((table) => table.rows.flatMap((row) => Object.values(row))),
  );
  for (const value of alices.filter((candidate) => typeof candidate === 'string' && candidate.length > 4)) {
    assert.ok(!body.includes(String(value)), `the answer holds "${value}", a value of Alice's`);
  }
});

Then(
  'she/he gets {int} rows, in the order of their id, and a cursor to the next page',
  function (this: ConformanceWorld, count: number) {
    const page = pageOf(this.people.subject.response);
    assert.equal(page.rows.length, count);
    assertIdOrder(page.rows);
    assert.ok(typeof page.next === 'string' && page.next !== '', 'a cursor to the next page');
  },
);

Then(
  'she/he has read every row the vendor holds in {string}, each once, in the order of their id',
  async function (this: ConformanceWorld, name: string) {
    const pages = rememberedBy(this).pages;
    assert.ok(pages, 'the pages were read');
    const rows = pages.flatMap((page) => page.rows);
    assert.equal(rows.length, await rowsHeld(this, name), 'as many rows as the vendor holds');
    assertIdOrder(rows);
    assert.ok(pages.length > 1, 'more than one page');
  },
);

Then('the last page said no page follows it', function (this: ConformanceWorld) {
  const pages = rememberedBy(this).pages;
  assert.ok(pages?.length, 'the pages were read');
  assert.equal(pages.at(-1)?.next, null);
  assert.ok(
    pages.slice(0, -1).every((page) => typeof page.next === 'string'),
    'every page before it named the next',
  );
});

Then(
  'she/he gets every row the vendor holds in {string}, and no cursor',
  async function (this: ConformanceWorld, name: string) {
    const page = pageOf(this.people.subject.response);
    assert.equal(page.rows.length, await rowsHeld(this, name));
    assertIdOrder(page.rows);
    assert.equal(page.next, null);
  },
);

// ---- writing ----

When(
  '{person} adds a row to {string} with the name {string} and the seat {int}',
  async function (this: ConformanceWorld, person: Person, name: string, guest: string, seat: number) {
    await addRow(this, person, name, { name: guest, seat });
  },
);

When(
  '{person} adds a row to {string} with a column named {string}',
  async function (this: ConformanceWorld, person: Person, name: string, column: string) {
    await addRow(this, person, name, { name: 'Tweedledum', seat: 7, [column]: 'x' });
  },
);

When(
  /^(Alice|Bob) sends the insert (\{.*\}) to "([^"]+)"$/,
  async function (this: ConformanceWorld, name: string, json: string, table: string) {
    const person = this.people.named(name);
    await noteVendorData(this);
    const { database, table: tableName } = qualified(table);
    person.response = await person.agent.postJson(this.url(rowsPath(database, tableName)), JSON.parse(json) as unknown);
    this.lastAnswer = person.response;
  },
);

Given(
  "the vendor's API will answer the next page with {int} rows",
  async function (this: ConformanceWorld, count: number) {
    const rows = Array.from({ length: count }, (_, index) => ({
      id: index + 1,
      customer_id: 1,
      total: '1.00',
      placed_on: '2026-01-01',
    }));
    await this.provider.failNext('resource', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows, next: null }),
    });
  },
);

Then('the vendor API received that insert once', async function (this: ConformanceWorld) {
  const inserts = (await this.provider.requests('resource')).filter((request) => request.method === 'POST');
  assert.equal(inserts.length, 1, `the insert was sent ${inserts.length} times`);
});

Then("the vendor's tables are as they were", async function (this: ConformanceWorld) {
  const before = rememberedBy(this).vendorBefore;
  assert.ok(before, 'what the vendor held was noted before');
  const now = await this.provider.vendorData();
  assert.deepEqual(now.databases, before.databases, 'the same databases, tables and row counts');
});

Then(
  'the row is written with a new id, and the vendor holds one more row in {string}',
  async function (this: ConformanceWorld, name: string) {
    const answer = this.people.subject.response;
    assert.equal(answer?.statusCode, 201, `the insert: ${answer?.statusCode} ${answer?.body.slice(0, 300)}`);
    const row = (JSON.parse(answer.body) as { row?: Record<string, unknown> }).row;
    assert.ok(row && typeof row.id === 'number', 'the row as stored, with its id');
    const before = rememberedBy(this).vendorBefore;
    const { database, table } = qualified(name);
    const heldBefore = before?.databases
      .find((candidate) => candidate.name === database)
      ?.tables.find((candidate) => candidate.name === table)?.rows;
    assert.ok(heldBefore !== undefined, 'what the vendor held was noted before');
    assert.equal(await rowsHeld(this, name), heldBefore + 1);
  },
);

Then(
  'reading {string} shows the name {string} last',
  async function (this: ConformanceWorld, name: string, guest: string) {
    const person = this.people.subject;
    const { database, table } = qualified(name);
    const { rows } = pageOf(await callApi(this, person, rowsPath(database, table, '?limit=100')));
    assert.equal(rows.at(-1)?.name, guest);
  },
);

// ---- the demo page (ours) ----

When(
  "{person} opens the table {string} on the integration's page",
  async function (this: ConformanceWorld, person: Person, name: string) {
    const { database, table } = qualified(name);
    person.response = await person.agent.get(
      this.url(`/?database=${encodeURIComponent(database)}&table=${encodeURIComponent(table)}`),
    );
    this.lastAnswer = person.response;
  },
);

Then(
  'the page shows the tables {string} and {int} rows of {string}',
  function (this: ConformanceWorld, tables: string, count: number, table: string) {
    const page = this.people.subject.response;
    assert.equal(page?.statusCode, 200);
    const shown = [...page.body.matchAll(/<li data-table="([^"]*)"/g)].map((match) => match[1]);
    assert.deepEqual(shown, tables.split(', '));
    assert.match(page.body, new RegExp(`First rows of <code>${table}</code>`));
    assert.equal([...page.body.matchAll(/<tr data-row>/g)].length, count);
  },
);

Then('the page notes that it could not read them, with {string}', function (this: ConformanceWorld, code: string) {
  const page = this.people.subject.response;
  assert.equal(page?.statusCode, 200, 'the page still answers');
  assert.match(page.body, new RegExp(`data-tables-problem[^>]*>[^<]*<code>${code}</code>`));
  assert.doesNotMatch(page.body, /<tr data-row>/, 'no rows shown');
});

Then('it offers a link that asks the provider for {string}', function (this: ConformanceWorld, scope: string) {
  const page = this.people.subject.response;
  const link = /data-write-access[\s\S]*?href="([^"]+)"/.exec(page?.body ?? '')?.[1];
  assert.ok(link, 'a link to allow writing');
  const url = new URL(link.replace(/&amp;/g, '&'), this.url('/'));
  assert.equal(url.pathname, '/connect');
  assert.equal(url.searchParams.get('scope'), scope);
});

// ---- the cursor is bound to its table (contract 3.5, 10.1) ----

When(
  '{person} reads the rows of {string} after the cursor she/he was given for {string}',
  async function (this: ConformanceWorld, person: Person, name: string, origin: string) {
    const given = qualified(origin);
    const { next } = pageOf(await callApi(this, person, rowsPath(given.database, given.table)));
    assert.ok(typeof next === 'string', `a cursor was given for ${origin}`);
    const { database, table } = qualified(name);
    await callApi(this, person, rowsPath(database, table, `?after=${encodeURIComponent(next)}`));
  },
);

// ---- the vendor's MySQL server, as the accounts' own users (mysql profile, in-process) ----

/** The mock's vendor data on MySQL: its run, and where its users connect. */
async function seededRunOf(world: ConformanceWorld): ReturnType<MysqlPlane['seededRun']> {
  const plane = world.inProcessProvider.local.vendorData;
  assert.ok(plane instanceof MysqlPlane, "the vendor's data is in MySQL (the mysql profile)");
  return plane.seededRun();
}

async function asAdministrator<T>(work: (admin: Connection) => Promise<T>): Promise<T> {
  const admin = await createConnection({ uri: adminUrl(), multipleStatements: true });
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Run one statement on the vendor's server as the account's own MySQL user; what the server answered. */
async function runAsUser(world: ConformanceWorld, account: string, role: Role, sql: string): Promise<void> {
  const { run, server } = await seededRunOf(world);
  const credentials = run.users.get(userKey(account, role));
  assert.ok(credentials, `the run has ${account}'s ${role} user`);
  const connection = await createConnection({ host: server.host, port: server.port, ...credentials });
  try {
    const [rows] = await connection.query(sql);
    rememberedBy(world).serverAnswer = { rows };
  } catch (error) {
    rememberedBy(world).serverAnswer = { code: String((error as { code?: unknown }).code) };
  } finally {
    await connection.end();
  }
}

const roleNamed = (words: string): Role => (words === 'read-write' ? 'write' : 'read');

After(async function (this: ConformanceWorld) {
  const lookAlike = remembered.get(this)?.lookAlike;
  if (lookAlike === undefined) return;
  await asAdministrator((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(lookAlike)}`));
});

Given(
  "another account has a database {string} on the vendor's server, with a row in its table {string}",
  async function (this: ConformanceWorld, database: string, table: string) {
    const { run } = await seededRunOf(this);
    const physical = physicalName(run.runId, database);
    const name = `${quoteIdentifier(physical)}.${quoteIdentifier(table)}`;
    rememberedBy(this).lookAlike = physical;
    await asAdministrator((admin) =>
      admin.query(
        `CREATE DATABASE ${quoteIdentifier(physical)}; ` +
          `CREATE TABLE ${name} (id INT PRIMARY KEY, secret VARCHAR(64) NOT NULL); ` +
          `INSERT INTO ${name} VALUES (1, 'not Alice''s')`,
      ),
    );
  },
);

When(
  /^(\w+)'s (read-only|read-write) MySQL user reads the table "(\w+)" of "(\w+)"$/,
  async function (this: ConformanceWorld, account: string, role: string, table: string, database: string) {
    const { run } = await seededRunOf(this);
    const name = `${quoteIdentifier(physicalName(run.runId, database))}.${quoteIdentifier(table)}`;
    await runAsUser(this, account.toLowerCase(), roleNamed(role), `SELECT * FROM ${name}`);
  },
);

When(
  /^(\w+)'s (read-only|read-write) MySQL user (changes|deletes) the rows of "(\w+)\.(\w+)"$/,
  async function (
    this: ConformanceWorld,
    account: string,
    role: string,
    what: string,
    database: string,
    table: string,
  ) {
    await noteVendorData(this);
    const { run } = await seededRunOf(this);
    const name = `${quoteIdentifier(physicalName(run.runId, database))}.${quoteIdentifier(table)}`;
    const sql = what === 'changes' ? `UPDATE ${name} SET \`id\` = \`id\` + 1000` : `DELETE FROM ${name}`;
    await runAsUser(this, account.toLowerCase(), roleNamed(role), sql);
  },
);

Then("the vendor's server refuses it for want of a privilege", function (this: ConformanceWorld) {
  const answer = rememberedBy(this).serverAnswer;
  assert.ok(answer, 'a statement was run on the server');
  assert.equal(answer.rows, undefined, `the server ran it: ${JSON.stringify(answer.rows)}`);
  assert.ok(
    ['ER_TABLEACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR'].includes(answer.code ?? ''),
    `a privilege refusal, not ${answer.code}`,
  );
});

Then(
  "every MySQL user of the vendor's data is at the host the server sees the mock connect from, none at any host",
  async function (this: ConformanceWorld) {
    const { run } = await seededRunOf(this);
    const { seen, users } = await asAdministrator(async (admin) => ({
      seen: await connectingHost(admin),
      users: (
        await admin.query<RowDataPacket[]>('SELECT User AS user, Host AS host FROM mysql.user WHERE User LIKE ?', [
          `vd\\_${run.runId}\\_%`,
        ])
      )[0],
    }));
    assert.deepEqual(
      users.map((row) => String(row.user)).sort(),
      [...run.users.values()].map((credentials) => credentials.user).sort(),
      "the run's users",
    );
    for (const row of users) assert.equal(row.host, seen, `${String(row.user)} is at "${String(row.host)}"`);
  },
);
