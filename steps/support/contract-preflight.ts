/**
 * The contract preflight (contract 9.4): before the first scenario of a
 * remote run, the shapes the scenarios read are checked once: the routes
 * and methods (3), the home page's markers (3.1), the test sign-in and
 * sign-out (3.2, 3.3), the JSON of `/api/connection` (3.4), `/healthz` and
 * `/readyz` (3.6), and the refusals, as JSON and as an error page (4.1).
 * One wrong shape would otherwise fail a hundred scenarios, and the report
 * would then list PKCE, nonce and CSRF as failed whatever the integration
 * does about them. So a wrong shape stops the run before any scenario, with
 * one line per problem naming its section, and the report says "contract
 * shape: failed" with no requirement judged.
 *
 * It reads with the steps' own readers (html-forms.ts, user-agent.ts), so it
 * cannot pass a shape that the scenarios would then misread, nor refuse one
 * they read. It judges shapes only, never a security requirement (whether a
 * sign-out ends the session, whether HEAD on the callback redeems a code):
 * those are the scenarios' to judge, under their requirements' tags.
 */
import { randomBytes } from 'node:crypto';

import { BeforeAll } from '@cucumber/cucumber';

import { buildReport, contractPreflightHookName, writeReport } from './conformance-report';
import { freshConnections } from './fresh-connections';
import { connectionStatusOf, formWith, linksTo, textOfElementWith } from './html-forms';
import { got } from './http';
import { remoteTarget } from './remote-integration';
import { type HttpResponse, UserAgent } from './user-agent';

/** What the preflight found wrong: one line each, starting with its section, `contract 4.1: ...`. */
export type PreflightProblems = string[];

const excerpt = (body: string) => JSON.stringify(body.length > 200 ? `${body.slice(0, 200)}...` : body);

function jsonOf(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const sameKeys = (value: Record<string, unknown>, keys: readonly string[]) =>
  Object.keys(value).length === keys.length && keys.every((key) => key in value);

/** A JSON refusal (4.1): `status`, exactly `{"error": code, "message": string}`. */
function checkJsonRefusal(
  problems: PreflightProblems,
  what: string,
  response: HttpResponse,
  status: number,
  code: string,
): void {
  const body = jsonOf(response);
  if (response.statusCode !== status || !isObject(body) || body.error !== code) {
    problems.push(
      `contract 4.1: ${what} must answer ${status} {"error": "${code}", "message": ...} as JSON; it answered ${response.statusCode} ${excerpt(response.body)}`,
    );
    return;
  }
  if (!sameKeys(body, ['error', 'message']) || typeof body.message !== 'string')
    problems.push(
      `contract 4.1: ${what}: a JSON refusal holds exactly the keys "error" and "message" (a string); it answered ${excerpt(response.body)}`,
    );
}

/** An HTML refusal (4.1): `status`, an HTML page whose element carrying `data-error-code` holds the code. */
function checkErrorPage(
  problems: PreflightProblems,
  what: string,
  response: HttpResponse,
  status: number,
  code: string,
): void {
  const html = /text\/html/i.test(String(response.headers['content-type']));
  if (response.statusCode !== status || !html) {
    problems.push(
      `contract 4.1: ${what} must answer ${status} with an HTML error page (Content-Type text/html); it answered ${response.statusCode} ${String(response.headers['content-type'])}`,
    );
    return;
  }
  const shown = textOfElementWith(response.body, 'data-error-code');
  if (shown === undefined)
    problems.push(
      `contract 4.1: ${what}: the error page has no element carrying the attribute data-error-code whose text is the code (such as <code data-error-code>${code}</code>)`,
    );
  else if (shown !== code)
    problems.push(`contract 4.1: ${what}: the element carrying data-error-code holds "${shown}", not "${code}"`);
}

/** `GET /healthz` and `GET /readyz` (3.6), exactly as the contract writes them. */
async function checkHealth(problems: PreflightProblems, agent: UserAgent, url: (path: string) => string) {
  const health = await agent.get(url('/healthz'), { accept: 'application/json' });
  const healthBody = jsonOf(health);
  if (
    health.statusCode !== 200 ||
    !isObject(healthBody) ||
    !sameKeys(healthBody, ['status']) ||
    healthBody.status !== 'ok'
  )
    problems.push(
      `contract 3.6: GET /healthz must answer exactly 200 {"status":"ok"}; it answered ${health.statusCode} ${excerpt(health.body)}`,
    );

  const ready = await agent.get(url('/readyz'), { accept: 'application/json' });
  const body = jsonOf(ready);
  const checks = isObject(body) ? body.checks : undefined;
  const upOrDown = (value: unknown) => value === 'up' || value === 'down';
  let consistent = false;
  if (isObject(body) && sameKeys(body, ['status', 'checks']) && isObject(checks)) {
    const shaped = sameKeys(checks, ['provider', 'store']) && upOrDown(checks.provider) && upOrDown(checks.store);
    const allUp = checks.provider === 'up' && checks.store === 'up';
    consistent =
      shaped &&
      ((ready.statusCode === 200 && body.status === 'ready' && allUp) ||
        (ready.statusCode === 503 && body.status === 'not_ready' && !allUp));
  }
  if (!consistent)
    problems.push(
      `contract 3.6: GET /readyz must answer 200 {"status":"ready","checks":{"provider":"up","store":"up"}}, or 503 with "not_ready" and the check that is "down"; it answered ${ready.statusCode} ${excerpt(ready.body)}`,
    );
}

/** Routes and methods (3): an unknown path, another method. */
async function checkRoutes(problems: PreflightProblems, agent: UserAgent, url: (path: string) => string) {
  const unknownPath = `/contract-preflight-${randomBytes(4).toString('hex')}`;
  checkJsonRefusal(
    problems,
    `GET ${unknownPath} (an unknown path), asking for JSON`,
    await agent.get(url(unknownPath), { accept: 'application/json' }),
    404,
    'not_found',
  );
  checkErrorPage(problems, `GET ${unknownPath} (an unknown path)`, await agent.get(url(unknownPath)), 404, 'not_found');

  const otherMethod = await got.put(url('/api/connection'), {
    throwHttpErrors: false,
    followRedirect: false,
    agent: freshConnections,
    headers: { accept: 'application/json', origin: new URL(url('/')).origin },
    json: {},
  });
  const otherBody = jsonOf(otherMethod);
  if (otherMethod.statusCode !== 405 || !isObject(otherBody) || otherBody.error !== 'method_not_allowed')
    problems.push(
      `contract 3: PUT /api/connection (a known path, another method) must answer 405 "method_not_allowed"; it answered ${otherMethod.statusCode} ${excerpt(otherMethod.body)}`,
    );
}

/**
 * The pages and JSON of someone signed out, then signed in and not connected; the sign-out's answer (3.1 to 3.4, 4.1).
 */
async function checkSignedInShapes(problems: PreflightProblems, url: (path: string) => string) {
  const agent = new UserAgent();
  checkJsonRefusal(
    problems,
    'GET /api/connection without a session',
    await agent.get(url('/api/connection'), { accept: 'application/json' }),
    401,
    'session_required',
  );
  checkErrorPage(problems, 'GET /connect without a session', await agent.get(url('/connect')), 401, 'session_required');

  const home = await agent.get(url('/'));
  let form: ReturnType<typeof formWith> | undefined;
  try {
    form = formWith(home.body, url('/'), 'username');
  } catch {
    form = undefined;
  }
  if (home.statusCode !== 200 || !form || form.method !== 'post' || form.action !== url('/session'))
    problems.push(
      `contract 3.1: GET / without a session must answer 200 with <form method="post" action="/session"> holding an input name="username"; it answered ${home.statusCode}${form ? ` with a form to ${form.method} ${form.action}` : ' with no such form'}`,
    );

  const username = `preflight-${randomBytes(4).toString('hex')}`;
  const signIn = await agent.post(url('/session'), { username });
  if (
    signIn.statusCode !== 303 ||
    signIn.headers.location === undefined ||
    new URL(signIn.headers.location, url('/')).href !== url('/')
  ) {
    problems.push(
      `contract 3.2: POST /session (username=${username}, from the integration's origin) must answer 303 to / with a session cookie; it answered ${signIn.statusCode} ${signIn.headers.location ?? excerpt(signIn.body)}`,
    );
    return; // The signed-in shapes cannot be seen without a session.
  }

  const page = await agent.get(url('/'));
  const status = connectionStatusOf(page.body);
  if (page.statusCode !== 200 || status !== 'not_connected')
    problems.push(
      `contract 3.1: GET / signed in, not connected, must answer 200 with an element data-connection-status="not_connected"; it answered ${page.statusCode} with ${status === undefined ? 'no data-connection-status' : `data-connection-status="${status}"`}`,
    );
  if (!linksTo(page.body, '/connect'))
    problems.push('contract 3.1: GET / signed in, not connected, must hold an <a> whose href is exactly "/connect"');

  const connection = await agent.get(url('/api/connection'), { accept: 'application/json' });
  const view = jsonOf(connection);
  const notConnected =
    isObject(view) &&
    view.status === 'not_connected' &&
    Array.isArray(view.scopes) &&
    view.scopes.length === 0 &&
    view.expires_at === null &&
    view.account === null;
  if (connection.statusCode !== 200 || !/json/i.test(String(connection.headers['content-type'])) || !notConnected)
    problems.push(
      `contract 3.4: GET /api/connection signed in, not connected, must answer 200 JSON {"status":"not_connected","scopes":[],"expires_at":null,"account":null}; it answered ${connection.statusCode} ${excerpt(connection.body)}`,
    );

  const signOut = await agent.post(url('/session/end'), {});
  const location = signOut.headers.location;
  if (![302, 303].includes(signOut.statusCode) || !location || new URL(location, url('/')).href !== url('/'))
    problems.push(
      `contract 3.3: POST /session/end must answer 303 (or 302) to /; it answered ${signOut.statusCode} ${location ?? excerpt(signOut.body)}`,
    );
}

/** Every shape the scenarios read, at the integration at `integrationUrl`. Empty when all are right. */
export async function contractPreflight(integrationUrl: string): Promise<PreflightProblems> {
  const url = (path: string) => new URL(path, integrationUrl).href;
  const problems: PreflightProblems = [];
  try {
    await checkHealth(problems, new UserAgent(), url);
    await checkRoutes(problems, new UserAgent(), url);
    await checkSignedInShapes(problems, url);
  } catch (error) {
    problems.push(`contract 3: ${integrationUrl} could not be asked: ${(error as Error).message}`);
  }
  return problems;
}

/** The message that stops the run: one line per problem. */
export function preflightFailure(integrationUrl: string, problems: PreflightProblems): string {
  return [
    `The integration at ${integrationUrl} does not answer in the shapes of docs/contract.md. No scenario was run, so`,
    'that no requirement is judged by a page or a JSON body the harness cannot read (contract 9.4):',
    ...problems.map((problem) => `  - ${problem}`),
  ].join('\n');
}

// Remote runs only: in-process, the integration is ours, and its shapes are the scenarios' own business.
const remote = remoteTarget();
if (remote) {
  BeforeAll({ name: contractPreflightHookName, timeout: 120_000 }, async function () {
    const problems = await contractPreflight(remote.integrationUrl);
    if (problems.length === 0) return;
    // The run ends here, before cucumber's formatters write anything: the report is written now.
    writeReport(process.env.REPORTS_DIR || 'reports', buildReport([], { outcome: 'failed', problems }));
    throw new Error(preflightFailure(remote.integrationUrl, problems));
  });
}
