/**
 * Our integration against the provider under test (features/provider/our-integration.feature): the compiled
 * integration (build/src/main.js) started as a process, as operators start it, and configured by its settings
 * alone (README "Configuration"), pointed at this issuer, with the demo sign-in (contract 3.2) and the test
 * hooks of contract 9.1; a person's browser, as cookies and requests; and the resource tap, where the
 * integration's API_BASE_URL points.
 *
 * The tap is the harness's stand-in in front of the vendor API. With INTEGRATION_API_BASE_URL (our mock: its
 * `/v1`), it passes each call on to that API as it came and its answer back as it came; without (a provider
 * with no vendor API), it answers `GET /databases` from the provider's userinfo endpoint (OIDC Core 5.3), asked
 * with the access token the integration sent: 200 with one database named by userinfo's `sub`, else userinfo's own
 * status and WWW-Authenticate. Either way it keeps, in memory only, which access token each call carried and
 * what the provider answered, so that a scenario can see the stored token change at a refresh and ask the
 * provider about it after Disconnect. Never a token in a log line, a report or an assertion message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { CookieJar } from 'tough-cookie';

import { jsonObjectOf, type Metadata } from './provider-client';
import type { ProviderSettings } from './settings';

/** The settings of this feature (docs/provider-mode.md), beside the profile's. */
export interface OurIntegrationSettings {
  /** A second redirect URI registered for the client, on this machine: our integration's callback. */
  readonly redirectUri: string;
  /** The provider's vendor API (its version included), when it has one. */
  readonly apiBaseUrl: string | undefined;
}

/** INTEGRATION_REDIRECT_URI and INTEGRATION_API_BASE_URL; undefined when no second redirect URI is registered. */
export function ourIntegrationSettings(): OurIntegrationSettings | undefined {
  const redirectUri = process.env.INTEGRATION_REDIRECT_URI;
  if (!redirectUri) return undefined;
  if (new URL(redirectUri).protocol !== 'http:')
    throw new Error(
      'INTEGRATION_REDIRECT_URI must be an http:// address on this machine: our integration listens there.',
    );
  return { redirectUri, apiBaseUrl: process.env.INTEGRATION_API_BASE_URL || undefined };
}

/** One call the integration made to the vendor API, as the tap saw it. */
export interface TappedCall {
  readonly method: string;
  readonly path: string;
  /** The access token it carried (Bearer), kept here only. */
  readonly accessToken: string | undefined;
  /** What the provider answered for it: the vendor API's status, or userinfo's. */
  readonly upstreamStatus: number;
  /** userinfo's `sub`, when the tap asked userinfo and it answered. */
  readonly subject?: string;
}

const bearerOf = (request: IncomingMessage) => /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class ResourceTap {
  readonly calls: TappedCall[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  /** Listens on a free loopback port; `apiBaseUrl` to pass calls on to, else `userinfoEndpoint` to answer from. */
  static async start(apiBaseUrl: string | undefined, userinfoEndpoint: string | undefined): Promise<ResourceTap> {
    // eslint-disable-next-line prefer-const -- assigned once the server it records for is listening
    let tap: ResourceTap | undefined;
    const server = createServer((request, response) => {
      void (async () => {
        const accessToken = bearerOf(request);
        const path = new URL(request.url ?? '/', 'http://tap').pathname.replace(/^\/v1/, '');
        const record = (call: Omit<TappedCall, 'method' | 'path' | 'accessToken'>) =>
          tap?.calls.push({ method: request.method ?? 'GET', path, accessToken, ...call });
        if (apiBaseUrl) {
          const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await bodyOf(request);
          const headers: Record<string, string> = {};
          for (const name of ['authorization', 'dpop', 'content-type', 'accept'])
            if (typeof request.headers[name] === 'string') headers[name] = request.headers[name];
          const upstream = await fetch(
            `${apiBaseUrl.replace(/\/$/, '')}${path}${new URL(request.url ?? '/', 'http://tap').search}`,
            {
              method: request.method ?? 'GET',
              headers,
              ...(body ? { body: new Uint8Array(body) } : {}),
            },
          );
          record({ upstreamStatus: upstream.status });
          const passed: Record<string, string> = {};
          for (const name of ['content-type', 'www-authenticate', 'retry-after', 'dpop-nonce']) {
            const value = upstream.headers.get(name);
            if (value) passed[name] = value;
          }
          response.writeHead(upstream.status, passed);
          response.end(Buffer.from(await upstream.arrayBuffer()));
          return;
        }
        if (request.method !== 'GET' || path !== '/databases' || !userinfoEndpoint) {
          record({ upstreamStatus: 0 });
          response.writeHead(404, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({ error: 'not_found', error_description: 'the stand-in answers GET /databases' }),
          );
          return;
        }
        const userinfo = await fetch(userinfoEndpoint, {
          headers: {
            accept: 'application/json',
            ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
          },
        });
        const json = jsonObjectOf(await userinfo.text());
        const subject = userinfo.status === 200 && typeof json?.sub === 'string' ? json.sub : undefined;
        record({ upstreamStatus: userinfo.status, ...(subject ? { subject } : {}) });
        if (subject) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ databases: [{ name: subject }] }));
          return;
        }
        const challenge = userinfo.headers.get('www-authenticate');
        response.writeHead(userinfo.status === 200 ? 502 : userinfo.status, {
          'content-type': 'application/json',
          ...(challenge ? { 'www-authenticate': challenge } : {}),
        });
        response.end(JSON.stringify({ error: userinfo.status === 200 ? 'no_subject' : (json?.error ?? 'refused') }));
      })().catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'tap_failed', error_description: (error as Error).message }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    tap = new ResourceTap(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
    return tap;
  }

  /** The access tokens the calls carried, in order, each once. */
  get accessTokens(): string[] {
    return [...new Set(this.calls.flatMap((call) => (call.accessToken ? [call.accessToken] : [])))];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The scopes our integration asks for: its default ones, narrowed to those discovery lists. */
export function integrationScopes(metadata: Metadata, vendorApi: boolean): string {
  const wanted = ['openid', 'profile', 'offline_access', ...(vendorApi ? ['databases:read'] : [])];
  const supported = metadata.scopes_supported;
  return wanted.filter((scope) => !supported || supported.includes(scope)).join(' ');
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Our integration, compiled, as a process of its own, and the tap in front of the vendor API. */
export class OurIntegration {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly redirectUri: string,
    readonly tap: ResourceTap,
    readonly scopes: string,
    readonly logFile: string,
  ) {}

  static async start(
    provider: ProviderSettings,
    metadata: Metadata,
    settings: OurIntegrationSettings,
  ): Promise<OurIntegration> {
    const tap = await ResourceTap.start(settings.apiBaseUrl, metadata.userinfo_endpoint);
    const redirect = new URL(settings.redirectUri);
    const scopes = integrationScopes(metadata, settings.apiBaseUrl !== undefined);
    const directory = process.env.REPORTS_DIR || 'reports';
    mkdirSync(directory, { recursive: true });
    const logFile = join(directory, 'our-integration.log');
    const log = createWriteStream(logFile);
    const environment: Record<string, string> = {};
    // Only what a process needs from ours (PATH, HOME...), never the harness's own settings or MYSQL_URL.
    for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'NODE_OPTIONS'])
      if (process.env[name] !== undefined) environment[name] = process.env[name];
    Object.assign(environment, {
      ISSUER_URL: provider.issuer,
      CLIENT_ID: provider.clientId,
      CLIENT_SECRET: provider.clientSecret,
      REDIRECT_URI: settings.redirectUri,
      PORT: redirect.port || '80',
      HOST: '127.0.0.1',
      SCOPES: scopes,
      API_BASE_URL: tap.baseUrl,
      TOKEN_ENCRYPTION_KEYS: `k1:${secret(32)}`,
      SESSION_KEYS: secret(32),
      IDENTITY: 'demo',
      ENV_FILE: 'none',
      TEST_HOOKS: 'true',
      LOG_LEVEL: 'info',
      RATE_LIMITS: 'sign_in=100000/60,connect=100000/60,callback=100000/60,api=1000000/60',
    });
    const child = spawn(process.execPath, [join('build', 'src', 'main.js')], {
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const url = redirect.origin;
    const integration = new OurIntegration(child, url, settings.redirectUri, tap, scopes, logFile);
    for (let attempt = 0; attempt < 150; attempt++) {
      if (child.exitCode !== null) break;
      const healthy = await fetch(`${url}/healthz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (healthy) return integration;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await integration.stop();
    throw new Error(`our integration did not answer ${url}/healthz (its output: ${logFile})`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      const exited = once(this.child, 'exit');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await this.tap.close();
  }

  /** GET /__test/logs (contract 9.1): the messages our integration logged for this user since it started. */
  async logged(userId: string): Promise<string[]> {
    const response = await fetch(`${this.url}/__test/logs`);
    const body = (await response.json()) as { lines?: Array<{ userId?: unknown; msg?: unknown }> };
    if (response.status !== 200 || !Array.isArray(body.lines))
      throw new Error(`the logs hook answered ${response.status}`);
    return body.lines.flatMap((line) => (line.userId === userId && typeof line.msg === 'string' ? [line.msg] : []));
  }

  /** POST /__test/clock (contract 9.1): our integration's clock moves forward; its time now, in ms. */
  async advanceClock(seconds: number): Promise<number> {
    const response = await fetch(`${this.url}/__test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: seconds }),
    });
    const body = (await response.json()) as { now?: string };
    if (response.status !== 200 || !body.now) throw new Error(`the clock hook answered ${response.status}`);
    return Date.parse(body.now);
  }
}

export interface Answer {
  readonly status: number;
  readonly location: string | undefined;
  readonly json: Record<string, unknown> | undefined;
  readonly text: string;
}

/** A person's browser towards our integration: its cookies, our integration's origin on every POST (contract 6). */
export class Visitor {
  private readonly jar = new CookieJar();

  constructor(private readonly origin: string) {}

  async request(
    method: 'GET' | 'POST',
    pathOrUrl: string,
    options: { form?: Record<string, string>; json?: boolean } = {},
  ): Promise<Answer> {
    const url = new URL(pathOrUrl, this.origin).href;
    const cookie = await this.jar.getCookieString(url);
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        accept: options.json ? 'application/json' : 'text/html',
        ...(cookie ? { cookie } : {}),
        ...(method === 'POST' ? { origin: this.origin } : {}),
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(options.form ? { body: new URLSearchParams(options.form).toString() } : {}),
    });
    for (const setCookie of response.headers.getSetCookie())
      await this.jar.setCookie(setCookie, url, { ignoreError: true });
    const text = await response.text();
    const json = jsonObjectOf(text);
    return { status: response.status, location: response.headers.get('location') ?? undefined, json, text };
  }
}
