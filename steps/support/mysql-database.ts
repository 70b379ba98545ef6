/**
 * For the `mysql` profile: each scenario gets a database of its own on the
 * server of `MYSQL_URL`, migrated, and dropped when the scenario ends.
 */
import { randomBytes } from 'node:crypto';
import { createPool, type Pool } from 'mysql2/promise';
import { migrate } from '../../src/store/mysql/migrations';

let admin: Pool | undefined;

function serverUrl(): string {
  const url = process.env.MYSQL_URL;
  if (!url) throw new Error('the mysql profile needs MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test)');
  return url;
}

function adminPool(): Pool {
  admin ??= createPool({ uri: serverUrl(), connectionLimit: 2 });
  return admin;
}

export class ScenarioDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(): Promise<ScenarioDatabase> {
    const name = `it_${randomBytes(6).toString('hex')}`;
    await adminPool().query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    const url = new URL(serverUrl());
    url.pathname = `/${name}`;
    const pool = createPool({ uri: url.href, connectionLimit: 1 });
    try {
      await migrate(pool);
    } finally {
      await pool.end();
    }
    return new ScenarioDatabase(name, url.href);
  }

  /** Run SQL against this scenario's database, bypassing the store (raw rows, schema tampering). */
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

export async function closeAdminPool(): Promise<void> {
  await admin?.end();
  admin = undefined;
}
