/**
 * The vendor's data seeded into a real MariaDB/MySQL, for one run of the
 * mock: the run holds a named lock (`GET_LOCK`) on its admin connection for
 * as long as it lives, and names everything it makes after its run id:
 * databases `vd_<run>_<name>`, users `vd_<run>_<account>_ro` and `_rw`. So
 * parallel runs never collide, and at start a run drops what a crashed one
 * left behind: whatever carries a run id whose lock nobody holds. At stop it
 * drops its own.
 *
 * The users exist only at the host the server sees the mock connect from
 * (never `'%'`), and each is granted on its account's databases by their
 * exact names: in a database-level GRANT, MySQL reads `_` and `%` as
 * wildcards even inside backticks, so both are escaped there (`\_`, `\%`),
 * or `tea_party`'s user could read a `teaXparty` (contract 10.1).
 */
import { randomBytes } from 'node:crypto';

import type { Connection, RowDataPacket } from 'mysql2/promise';

import { type ColumnType, databasesByAccount, type TableFixture } from '../fixtures';
import { privilegesOf } from './grants';
import { quoteIdentifier } from './identifiers';
import type { Role } from './plane';

const runName = /^vd_([0-9a-f]{8})_/;

export const lockOf = (runId: string): string => `mock_vendor_data_${runId}`;

export interface SeededRun {
  readonly runId: string;
  /** The host part of every user of the run: where the server sees the mock connect from. */
  readonly host: string;
  /** Each (account, role)'s MySQL user and its password (generated for this run). */
  readonly users: ReadonlyMap<string, { readonly user: string; readonly password: string }>;
}

export const userKey = (account: string, role: Role): string => `${account}:${role}`;
export const physicalName = (runId: string, database: string): string => `vd_${runId}_${database}`;
export const userName = (runId: string, account: string, role: Role): string =>
  `vd_${runId}_${account}_${role === 'read' ? 'ro' : 'rw'}`;

/** A database name as a GRANT's database part reads it: `_` and `%` escaped, so they match only themselves. */
export const grantedDatabase = (name: string): string => quoteIdentifier(name.replace(/[_%]/g, '\\$&'));

/** The host part the server gives this connection (`USER()`): the users of the run are made there, not at `'%'`. */
export async function connectingHost(admin: Connection): Promise<string> {
  const [[row]] = await admin.query<Array<{ host: string } & RowDataPacket>>(
    "SELECT SUBSTRING_INDEX(USER(), '@', -1) AS host",
  );
  if (!row?.host) throw new Error('the server does not say where the mock connects from');
  return row.host;
}

const sqlType: Record<string, string> = { int: 'INT', date: 'DATE', 'decimal(10,2)': 'DECIMAL(10,2)' };
const columnDefinition = (type: ColumnType): string => sqlType[type] ?? type.toUpperCase();

/** Drop the databases and users of runs whose lock nobody holds (a crashed run's). How many runs. */
export async function dropStaleRuns(admin: Connection): Promise<number> {
  const [schemas] = await admin.query<Array<{ name: string } & RowDataPacket>>(
    "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'vd\\_%'",
  );
  const [users] = await admin.query<Array<{ user: string; host: string } & RowDataPacket>>(
    "SELECT User AS user, Host AS host FROM mysql.user WHERE User LIKE 'vd\\_%'",
  );
  const runs = new Set(
    [...schemas.map((row) => row.name), ...users.map((row) => row.user)]
      .map((name) => runName.exec(name)?.[1])
      .filter((id): id is string => id !== undefined),
  );
  let dropped = 0;
  for (const runId of runs) {
    const [[held]] = await admin.query<Array<{ holder: number | null } & RowDataPacket>>(
      'SELECT IS_USED_LOCK(?) AS holder',
      [lockOf(runId)],
    );
    if (held?.holder !== null && held?.holder !== undefined) continue;
    for (const schema of schemas.filter((row) => row.name.startsWith(`vd_${runId}_`)))
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(schema.name)}`);
    for (const user of users.filter((row) => row.user.startsWith(`vd_${runId}_`)))
      await admin.query('DROP USER IF EXISTS ?@?', [user.user, user.host]);
    dropped += 1;
  }
  return dropped;
}

/** Every table of the fixtures, by the physical name of its database in a run. */
function tablesOf(runId: string): Array<{ schema: string; table: TableFixture }> {
  return Object.values(databasesByAccount)
    .flat()
    .flatMap((database) => database.tables.map((table) => ({ schema: physicalName(runId, database.name), table })));
}

/** The INSERT of a table's fixture rows (none when it has none), ids given by its AUTO_INCREMENT from 1. */
function fixtureRows(admin: Connection, name: string, table: TableFixture): string[] {
  if (table.rows.length === 0) return [];
  const names = table.columns.map((column) => column.name);
  const rows = table.rows.map((row) =>
    admin.format(
      `(${names.map(() => '?').join(', ')})`,
      names.map((column) => row[column]),
    ),
  );
  return [`INSERT INTO ${name} (${names.map(quoteIdentifier).join(', ')}) VALUES ${rows.join(', ')}`];
}

/** Take a new run's lock, then create its databases, tables, rows, users and grants. */
export async function seedRun(admin: Connection): Promise<SeededRun> {
  const runId = randomBytes(4).toString('hex');
  const [[lock]] = await admin.query<Array<{ taken: number } & RowDataPacket>>('SELECT GET_LOCK(?, 0) AS taken', [
    lockOf(runId),
  ]);
  if (lock?.taken !== 1) throw new Error('the run lock of the vendor data is taken');
  const host = await connectingHost(admin);
  const statements: string[] = [];
  const users = new Map<string, { user: string; password: string }>();
  for (const [account, databases] of Object.entries(databasesByAccount)) {
    for (const database of databases) {
      const schema = quoteIdentifier(physicalName(runId, database.name));
      statements.push(`CREATE DATABASE ${schema} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      for (const table of database.tables) {
        const name = `${schema}.${quoteIdentifier(table.name)}`;
        const columns = table.columns.map(
          (column) => `${quoteIdentifier(column.name)} ${columnDefinition(column.type)} NOT NULL`,
        );
        statements.push(
          `CREATE TABLE ${name} (\`id\` INT NOT NULL AUTO_INCREMENT PRIMARY KEY, ${columns.join(', ')}) ENGINE=InnoDB`,
          ...fixtureRows(admin, name, table),
        );
      }
    }
    for (const role of ['read', 'write'] as const) {
      const user = userName(runId, account, role);
      const password = randomBytes(18).toString('base64url');
      users.set(userKey(account, role), { user, password });
      statements.push(admin.format('CREATE USER ?@? IDENTIFIED BY ?', [user, host, password]));
      for (const database of databases) {
        statements.push(
          admin.format(
            `GRANT ${privilegesOf[role].join(', ')} ON ${grantedDatabase(physicalName(runId, database.name))}.* TO ?@?`,
            [user, host],
          ),
        );
      }
    }
  }
  await admin.query(statements.join(';\n'));
  return { runId, host, users };
}

/**
 * What a run's tables hold, as one text per table: its rows' checksum
 * (`CHECKSUM TABLE`, every column of every row) and its AUTO_INCREMENT (the
 * id the next row gets), read in one round trip. Equal to what it was just
 * after the seed: the table is as seeded.
 */
export async function tableStates(admin: Connection, runId: string): Promise<Map<string, string>> {
  const tables = tablesOf(runId);
  const [results] = await admin.query<RowDataPacket[][]>(
    [
      `CHECKSUM TABLE ${tables.map(({ schema, table }) => `${quoteIdentifier(schema)}.${quoteIdentifier(table.name)}`).join(', ')}`,
      admin.format(
        "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS name, AUTO_INCREMENT AS next FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)",
        [[...new Set(tables.map(({ schema }) => schema))]],
      ),
    ].join(';\n'),
  );
  const [checksums = [], counters = []] = results;
  const next = new Map(counters.map((row) => [String(row.name), String(row.next)]));
  return new Map(
    checksums.map((row) => [String(row.Table), `${String(row.Checksum)} next ${next.get(String(row.Table))}`]),
  );
}

/**
 * Put back the tables of a run that differ from `seeded` (tableStates just
 * after the seed): emptied and restarted (`TRUNCATE`, so the next id is
 * the seed's too), their fixture rows inserted again; all in one round
 * trip. The databases, users and grants are left as they are. How many
 * tables were put back.
 */
export async function restoreRun(
  admin: Connection,
  run: SeededRun,
  seeded: ReadonlyMap<string, string>,
): Promise<number> {
  const now = await tableStates(admin, run.runId);
  const statements: string[] = [];
  for (const { schema, table } of tablesOf(run.runId)) {
    const key = `${schema}.${table.name}`;
    if (now.get(key) === seeded.get(key)) continue;
    const name = `${quoteIdentifier(schema)}.${quoteIdentifier(table.name)}`;
    statements.push(`TRUNCATE TABLE ${name}`, ...fixtureRows(admin, name, table));
  }
  if (statements.length > 0) await admin.query(statements.join(';\n'));
  return statements.filter((statement) => statement.startsWith('TRUNCATE')).length;
}

/** Drop a run's databases and users (its lock goes with its admin connection). */
export async function dropRun(admin: Connection, run: SeededRun): Promise<void> {
  const statements = Object.values(databasesByAccount)
    .flat()
    .map((database) => `DROP DATABASE IF EXISTS ${quoteIdentifier(physicalName(run.runId, database.name))}`);
  for (const { user } of run.users.values()) statements.push(admin.format('DROP USER IF EXISTS ?@?', [user, run.host]));
  await admin.query(statements.join(';\n'));
}
