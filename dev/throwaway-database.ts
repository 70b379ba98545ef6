/**
 * A throwaway database: created on the server of `MYSQL_URL` under a fresh
 * name, migrated, and dropped when its user is done with it. The harness's
 * mysql profile gives each scenario one; the bench gives each measurement one.
 */
import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from 'mysql2/promise';
import { migrate } from '../src/store/mysql/migrations';

let admin: Pool | undefined;

function serverUrl(): string {
  const url = process.env.MYSQL_URL;
  if (!url) throw new Error('a throwaway database needs MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test)');
  return url;
}

function adminPool(): Pool {
  admin ??= createPool({ uri: serverUrl(), connectionLimit: 2 });
  return admin;
}

export class ThrowawayDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  /** A new migrated database; its name starts with `prefix` so that a leftover one says whose it was. */
  static async create(prefix: 'it' | 'bench' = 'it'): Promise<ThrowawayDatabase> {
    const name = `${prefix}_${randomBytes(6).toString('hex')}`;
    await adminPool().query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    const url = new URL(serverUrl());
    url.pathname = `/${name}`;
    const pool = createPool({ uri: url.href, connectionLimit: 1 });
    try {
      await migrate(pool);
    } finally {
      await pool.end();
    }
    return new ThrowawayDatabase(name, url.href);
  }

  /** Run SQL against this database, bypassing the store (raw rows, schema tampering); `{db}` names it. */
  async query<T>(sql: string, values: unknown[] = []): Promise<T> {
    const [rows] = await adminPool().query(`/* ${this.name} */ ${sql.replace(/\{db\}/g, `\`${this.name}\``)}`, values);
    return rows as T;
  }

  async drop(): Promise<void> {
    await adminPool().query(`DROP DATABASE IF EXISTS \`${this.name}\``);
  }

  /** A URL of the same database through another host and port (a proxy in front of the server). */
  via(host: string, port: number): string {
    const url = new URL(this.url);
    url.hostname = host;
    url.port = String(port);
    return url.href;
  }
}

/** Close the pool that creates and drops the databases (when the last one is dropped, or the process would stay up). */
export async function closeAdminPool(): Promise<void> {
  await admin?.end();
  admin = undefined;
}
