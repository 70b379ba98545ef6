/**
 * A bare OAuth client of the mock, for features/vendor-api.feature: it
 * starts a mock of its own (in this process, the vendor data in memory or,
 * on the mysql profile, in MariaDB), authorizes as a demo account through
 * the mock's own login and consent pages with the scopes a scenario names,
 * redeems the code, and calls the vendor's resource API with the access
 * token. Every answer is checked never to carry the database's own words.
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';

import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { CookieJar } from 'tough-cookie';

import { demoAccounts } from '../../mock-provider/accounts';
import { MysqlPlane } from '../../mock-provider/vendor-data';
import { got, type Response } from './http';
import { startInProcessMock } from './in-process-mock';
import type { InProcessProvider, VendorDataState } from './provider-driver';
import type { TcpProxy } from './tcp-proxy';

const redirectUri = 'http://127.0.0.1:9/callback';
const clientId = 'mysql-integration';
const http = got.extend({ throwHttpErrors: false, followRedirect: false });
const leakedServerText =
  /\bER_[A-Z_]+|SQLSTATE|You have an error in your SQL|command denied|MariaDB|mysql2|vd_[0-9a-f]{8}_/;

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly wwwAuthenticate: string | undefined;
}

/** One scenario's mock, its bare client, and what the client got. */
export class VendorRun {
  private readonly jar = new CookieJar();
  accessToken = '';
  baseline: VendorDataState | undefined;
  answers: Answer[] = [];
  consentPage = '';
  sentBack: URL | undefined;
  proxy: TcpProxy | undefined;
  stopped = false;
  /** Run ids of the vendor's data on MySQL: this mock's (once stopped), a crashed run's, the run started after it. */
  readonly runIds: { stopped?: string; crashed?: string; next?: string } = {};
  readonly extraPlanes: MysqlPlane[] = [];

  private constructor(
    readonly driver: InProcessProvider,
    private readonly secret: string,
  ) {}

  static async start(store: 'memory' | 'mysql'): Promise<VendorRun> {
    const secret = randomBytes(24).toString('base64url');
    const driver = await startInProcessMock(
      { client_id: clientId, client_secret: secret, redirect_uris: [redirectUri] },
      // Its vendor's data a run of its own: the scenarios of this mock are about a run's life (dropped when it stops).
      { store, ownVendorRun: true },
    );
    return new VendorRun(driver, secret);
  }

  get issuer(): string {
    return this.driver.issuer;
  }

  /** Go through the mock's login and consent pages as the account; where the mock sent the browser back. */
  async authorize(
    account: string,
    scopes: string,
    decision: 'approve' | 'deny',
  ): Promise<{ callback: URL; verifier: string }> {
    const password = demoAccounts.find((candidate) => candidate.username === account)?.password ?? '';
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(`${this.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: `openid ${scopes}`,
      prompt: 'consent',
      state: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    let location = url.href;
    for (let step = 0; step < 12 && !location.startsWith(redirectUri); step += 1) {
      let response: Response<string> = await http.get(location, { cookieJar: this.jar });
      if (response.statusCode === 200) {
        const login = /name="password"/.test(response.body);
        if (!login) this.consentPage = response.body;
        const action = new URL(/action="([^"]+)"/.exec(response.body)?.[1] ?? '', location).href;
        response = await http.post(action, {
          form: login ? { username: account, password } : { decision },
          cookieJar: this.jar,
        });
      }
      assert.ok(response.headers.location, `the mock answered ${response.statusCode} without a redirect`);
      location = new URL(response.headers.location, location).href;
    }
    return { callback: new URL(location), verifier };
  }

  /** Authorize with the scopes and redeem the code: the access token. */
  async obtainToken(account: string, scopes: string): Promise<void> {
    const { callback, verifier } = await this.authorize(account, scopes, 'approve');
    const code = callback.searchParams.get('code');
    assert.ok(code, `the mock sent the browser back with ${callback.href}`);
    const response = await http.post(`${this.issuer}/token`, {
      username: clientId,
      password: this.secret,
      form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
    });
    assert.equal(response.statusCode, 200, response.body);
    const tokens = JSON.parse(response.body) as { access_token: string; scope: string };
    for (const scope of scopes.split(' '))
      assert.ok(tokens.scope.split(' ').includes(scope), `granted "${tokens.scope}"`);
    this.accessToken = tokens.access_token;
  }

  /**
   * A call of the vendor's API with the access token; the answer is
   * remembered, and never carries the database's own words.
   */
  async call(
    method: 'GET' | 'POST',
    path: string,
    options: { query?: string; values?: unknown } = {},
  ): Promise<Answer> {
    const base = await this.driver.resourceBaseUrl();
    const response = await http(`${base}${path}${options.query === undefined ? '' : `?${options.query}`}`, {
      method,
      headers: { authorization: `Bearer ${this.accessToken}` },
      ...(options.values === undefined ? {} : { json: { values: options.values } }),
    });
    assert.doesNotMatch(response.body, leakedServerText, 'no database error text, user or physical name in an answer');
    assert.ok(
      response.statusCode < 500 || response.statusCode === 503,
      `never a 500: ${response.statusCode} ${response.body}`,
    );
    const answer: Answer = {
      status: response.statusCode,
      body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {},
      wwwAuthenticate: response.headers['www-authenticate'],
    };
    this.answers.push(answer);
    return answer;
  }

  /** A POST of a raw body of this media type to a table's rows. */
  async send(database: string, table: string, body: string, type: string): Promise<Answer> {
    const base = await this.driver.resourceBaseUrl();
    const response = await http.post(`${base}/databases/${database}/tables/${table}/rows`, {
      headers: { authorization: `Bearer ${this.accessToken}`, 'content-type': type },
      body,
    });
    assert.doesNotMatch(response.body, leakedServerText);
    const answer: Answer = {
      status: response.statusCode,
      body: JSON.parse(response.body) as Record<string, unknown>,
      wwwAuthenticate: response.headers['www-authenticate'],
    };
    this.answers.push(answer);
    return answer;
  }

  get last(): Answer {
    const answer = this.answers.at(-1);
    assert.ok(answer, 'the client called the vendor API');
    return answer;
  }

  async rows(database: string, table: string, query?: string): Promise<Answer> {
    return this.call(
      'GET',
      `/databases/${encodeURIComponent(database)}/tables/${encodeURIComponent(table)}/rows`,
      query === undefined ? {} : { query },
    );
  }

  async insert(database: string, table: string, values: unknown): Promise<Answer> {
    return this.call('POST', `/databases/${encodeURIComponent(database)}/tables/${encodeURIComponent(table)}/rows`, {
      values,
    });
  }

  get plane(): MysqlPlane {
    const plane = this.driver.local.vendorData;
    assert.ok(plane instanceof MysqlPlane, "the vendor's data is in MySQL (the mysql profile, or VENDOR_MYSQL_URL)");
    return plane;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.driver.local.close();
  }
}

/** The server of the vendor's data on the mysql profile, as its administrator. */
export function adminUrl(): string {
  const url = process.env.VENDOR_MYSQL_URL ?? process.env.MYSQL_URL;
  assert.ok(url, 'VENDOR_MYSQL_URL or MYSQL_URL names the MySQL server');
  return url;
}

export async function leftoversOf(runId: string): Promise<{ databases: string[]; users: string[] }> {
  const admin = await createConnection({ uri: adminUrl() });
  try {
    const [databases] = await admin.query<RowDataPacket[]>(
      'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?',
      [`vd\\_${runId}\\_%`],
    );
    const [users] = await admin.query<RowDataPacket[]>('SELECT User AS name FROM mysql.user WHERE User LIKE ?', [
      `vd\\_${runId}\\_%`,
    ]);
    return { databases: databases.map((row) => String(row.name)), users: users.map((row) => String(row.name)) };
  } finally {
    await admin.end();
  }
}
