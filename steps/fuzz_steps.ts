import { strict as assert } from 'node:assert';
import { Agent, request } from 'node:http';

import { Given, Then, When } from '@cucumber/cucumber';
import fc from 'fast-check';

import { pendingAuthorizations, type Row } from '../src/store/mysql/tables';
import type { PendingAuthorization } from '../src/store/store';
import { type HostileRequest, hostileRequests, type Knowns } from './support/hostile-requests';
import { errorCodeOf } from './support/html-forms';
import { needed, sceneOf } from './support/scenes/scene';
import { secretsSeen } from './support/secret-scan';
import type { StoreProbe } from './support/store-probe';
import { authorizeAtProvider, revocationsOfThisScenario, startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

/** What the fuzz steps remember. */
interface FuzzScene {
  /** What the generated requests were built around. */
  fuzzKnowns?: Knowns;
  /** What the generated requests did. */
  fuzz?: FuzzReport;
}

const fuzzScene = sceneOf<FuzzScene>(() => ({}));

/** Fixed, so that a run is repeatable: a failure prints the seed and the shrunk case. */
export const fuzzSeed = 20_261_126;

/**
 * Generated requests per route, from one setting: FUZZ_RUNS when it is set,
 * else the full 2,000 when CI is set (as CI services set it), else a few
 * hundred, for a quick run at a desk. The same seed either way: a shorter
 * run is the start of the longer one.
 */
export function fuzzRuns(environment: NodeJS.ProcessEnv = process.env): number {
  const setting = environment.FUZZ_RUNS;
  if (setting === undefined || setting === '') return environment.CI ? 2000 : 300;
  const runs = Number(setting);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a whole number above 0, not ${setting}`);
  return runs;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A generated request that changed what the integration holds, and how it was answered. */
export interface Change {
  readonly request: HostileRequest;
  readonly answer: Answer;
}

export interface FuzzReport {
  runs: number;
  sent: number;
  rateLimited: number;
  toProvider: number;
  readonly changes: Change[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
/** The observations' own connections: a generated request can leave a socket in any state (a GET with a body). */
const observer = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * Send exactly what was generated (no normalisation); undefined when Node
 * itself refuses to build the request. A connection the server drops is an
 * answer too: status 0, which fails the property.
 */
function send(base: string, hostile: HostileRequest, through: Agent = agent): Promise<Answer | undefined> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let outgoing;
    try {
      outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          path: hostile.target,
          method: hostile.method,
          headers: hostile.headers,
          agent: through,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
    } catch {
      resolve(undefined);
      return;
    }
    outgoing.on('error', (error) => resolve({ status: 0, headers: {}, body: `dropped: ${error.message}` }));
    outgoing.end(hostile.body);
  });
}

/** Plain GET with a cookie, for the observations (not counted as generated requests). */
function getWithCookie(world: ConformanceWorld, path: string, cookie: string): Promise<Answer> {
  return send(
    world.url('/'),
    { method: 'GET', target: path, headers: { cookie, accept: 'application/json' } },
    observer,
  ) as Promise<Answer>;
}

/**
 * What a request could change, as anyone can observe it: Alice's connection
 * as the contract shows it (her session still open, her connection's
 * status, scopes and account), and what reached the provider (token and
 * revocation requests). In-process, our store too: its counts, Alice's
 * connection and session, the live authorization requests, the revocations.
 * Taken twice a request: what follows the integration's answer is read at
 * once (all of it is at rest by then), not one read after another.
 */
async function observe(world: ConformanceWorld, knowns: Knowns, aliceUsername: string): Promise<string> {
  const view = await getWithCookie(world, '/api/connection', knowns.sessionCookie);
  const store = world.can('store') ? world.store : undefined;
  const sessionId = /session=([^;]+)/.exec(knowns.sessionCookie)?.[1] ?? '';
  const seen: unknown[] = await Promise.all([
    world.provider.requests('token').then((requests) => requests.length),
    revocationsOfThisScenario(world).then((revocations) => revocations.length),
    ...(store
      ? [
          store.counts(),
          store.connection(aliceUsername),
          store.session(sessionId),
          liveAuthorizations(world, store, knowns.liveStates),
          store.revocations(),
        ]
      : []),
  ]);
  return JSON.stringify([view.status, view.body, ...seen]);
}

/**
 * The stored authorization requests of these states (undefined for one not
 * stored), as the store reads them. On MySQL in one query, where the store
 * has one a state: the observation reads them twice a request.
 */
async function liveAuthorizations(
  world: ConformanceWorld,
  store: StoreProbe,
  states: readonly string[],
): Promise<Array<PendingAuthorization | undefined>> {
  const database = world.inProcess.database;
  if (!database || states.length === 0) return Promise.all(states.map((state) => store.pendingAuthorization(state)));
  const rows = await database.query<Row[]>('SELECT * FROM {db}.pending_authorizations WHERE state IN (?)', [states]);
  const stored = new Map(rows.map((row) => [String(row.state), pendingAuthorizations.read(row)]));
  return states.map((state) => stored.get(state));
}

/**
 * Until the provider has seen what the integration does after an answer (a reconnect revokes the tokens it replaced).
 */
async function settled(world: ConformanceWorld): Promise<void> {
  let seen = -1;
  for (let round = 0; round < 100; round += 1) {
    const requests = await world.provider.requests();
    if (requests.length === seen && requests.every((request) => request.status !== -1)) return;
    seen = requests.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether the answer gave the client a cookie that opens a session: a session was created. */
async function openedASession(world: ConformanceWorld, answer: Answer): Promise<boolean> {
  const cookies = ([] as string[])
    .concat(answer.headers['set-cookie'] ?? [])
    .map((line) => line.split(';')[0])
    .filter((pair) => pair && !/=$/.test(pair));
  if (cookies.length === 0) return false;
  return (await getWithCookie(world, '/api/connection', cookies.join('; '))).status === 200;
}

Given("the integration's rate limits are out of the way", async function (this: ConformanceWorld) {
  // Ours in-process is reconfigured; a remote integration declares
  // limits that allow the run, and the run counts any 429.
  if (this.can('restarts'))
    await this.inProcess.reconfigure({
      RATE_LIMITS: 'sign_in=1000000/60,connect=1000000/60,callback=1000000/60,api=1000000/60',
    });
});

/** A request a browser would send from this site's own page: no foreign Origin, no cross-site fetch. */
function fromThisSite(request: HostileRequest, origin: string): boolean {
  const from = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  return (from === undefined || from === origin) && (site === undefined || site === 'same-origin' || site === 'none');
}

type Legitimate = (change: Change, knowns: Knowns) => boolean;

/** The requests that may legitimately change what the integration holds, in the words of the features. */
const legitimate: Record<string, Legitimate> = {
  // Only the owner's browser, answering one of its own live authorization requests, may use up a state.
  "Alice's own live callbacks": ({ request }, knowns) =>
    request.method === 'GET' &&
    request.headers.cookie === knowns.sessionCookie &&
    knowns.liveStates.some((state) => request.target.includes(state)),
  'those sent to the provider': ({ answer }) => [302, 303].includes(answer.status),
  'the successful sign-ins': ({ request, answer }, knowns) =>
    request.method === 'POST' && answer.status === 303 && fromThisSite(request, knowns.origin),
  "a same-site request carrying Alice's session": ({ request, answer }, knowns) =>
    request.method === 'POST' &&
    request.headers.cookie === knowns.sessionCookie &&
    [200, 302, 303].includes(answer.status) &&
    fromThisSite(request, knowns.origin),
  nothing: () => false,
};

const legitimateOn: Record<string, Legitimate> = {
  '/callback': legitimate["Alice's own live callbacks"] as Legitimate,
  '/connect': legitimate['those sent to the provider'] as Legitimate,
  '/session': legitimate['the successful sign-ins'] as Legitimate,
  '/disconnect': legitimate["a same-site request carrying Alice's session"] as Legitimate,
  '/api/': legitimate.nothing as Legitimate,
};

When(
  'the generated requests hit {string}',
  { timeout: 300_000 },
  async function (this: ConformanceWorld, route: string) {
    const runs = fuzzRuns();
    this.attach(
      `${runs} generated requests on ${route}, seed ${fuzzSeed} (FUZZ_RUNS; 2000 when CI is set, else 300)`,
      'text/plain',
    );
    const alice = this.people.get('Alice');
    const secrets = [...(await secretsSeen(this))];
    const issued = alice.tokensAtConnect;
    secrets.push(issued.accessToken, ...(issued.refreshToken ? [issued.refreshToken] : []));
    const sessionCookie = await alice.agent.jar.getCookieString(this.url('/'));
    const liveStates: string[] = [];
    if (route === '/callback') {
      // Live authorization requests of Alice's, so that generated callbacks reach the state lookup and beyond.
      for (let attempt = 0; attempt < 20; attempt += 1) {
        await startConnecting(this, alice);
        liveStates.push(new URL(alice.authorizationUrl as string).searchParams.get('state') as string);
      }
    }
    const knowns: Knowns = {
      issuer: this.provider.issuer,
      sessionCookie,
      origin: this.origin,
      liveStates,
      callbackPath: new URL(this.sut.settings.redirectUri).pathname,
    };
    fuzzScene(this).fuzzKnowns = knowns;
    const report: FuzzReport = { runs: 0, sent: 0, rateLimited: 0, toProvider: 0, changes: [] };
    const isLegitimate = legitimateOn[route];
    assert.ok(isLegitimate, `a property for ${route}`);

    await fc
      .assert(
        fc.asyncProperty(hostileRequests(route, knowns), async (hostile) => {
          report.runs += 1;
          const before = await observe(this, knowns, alice.username);
          const answer = await send(this.url('/'), hostile);
          if (!answer) return;
          report.sent += 1;
          if (answer.status === 429) {
            report.rateLimited += 1;
            // Contract 7: whatever the integration's limits, a request over one gets rate_limited and Retry-After >= 1.
            assert.equal(errorCodeOf(answer.body), 'rate_limited', 'a 429 is rate_limited (contract 7)');
            assert.ok(Number(answer.headers['retry-after']) >= 1, 'a 429 carries Retry-After of at least 1 s');
          }
          const shown = `${answer.body}\n${JSON.stringify(answer.headers)}`;
          assert.ok(answer.status < 500, `answered ${answer.status}`);
          assert.doesNotMatch(
            shown,
            /\n\s+at \S|node_modules|\.[cm]?[jt]s:\d+|Error: /,
            'no stack trace or internal path (contract 4.1)',
          );
          for (const secret of secrets) assert.ok(!shown.includes(secret), 'no secret in the answer');
          const after = await observe(this, knowns, alice.username);
          if (after !== before || (await openedASession(this, answer))) {
            const change = { request: hostile, answer };
            report.changes.push(change);
            assert.ok(
              isLegitimate(change, knowns),
              `something changed after a ${answer.status} that was no legitimate step:\n${before}\n${after}`,
            );
          }
          const location = answer.headers.location;
          if (route === '/connect' && [302, 303].includes(answer.status) && typeof location === 'string') {
            report.toProvider += 1;
            assert.ok(
              location.startsWith(`${this.provider.issuer}/`),
              `the connect leads to the provider only, not to ${location}`,
            );
            // Where the user will land after the provider: ours keeps return_to
            // in its store; another integration is followed there.
            if (this.can('store')) {
              const pending = await this.store.pendingAuthorization(new URL(location).searchParams.get('state') ?? '');
              assert.ok(pending, 'the pending authorization is stored');
              const landing = new URL(pending.returnTo, this.url('/'));
              assert.equal(landing.origin, this.origin, `return_to ${pending.returnTo} stays on this site`);
              assert.match(pending.returnTo, /^\/(?![/\\])/, 'a plain path');
            } else {
              alice.authorizationUrl = location;
              const landing = await alice.agent.get(await authorizeAtProvider(this, alice, 'alice'));
              await settled(this);
              assert.ok(
                [302, 303].includes(landing.statusCode),
                `the callback lands her somewhere: ${landing.statusCode} ${landing.body.slice(0, 200)}`,
              );
              const target = landing.headers.location ?? '';
              assert.equal(
                new URL(target, this.url('/')).origin,
                this.origin,
                `she lands on this site, not at ${target}`,
              );
              assert.match(target.replace(/^https?:\/\/[^/]+/, ''), /^\/(?![/\\])/, 'at a plain path');
              // What the connect kept (its pending authorization) is seen
              // only now that it was used: it changed something.
              if (!report.changes.some((change) => change.request === hostile))
                report.changes.push({ request: hostile, answer });
            }
          }
        }),
        { seed: fuzzSeed, numRuns: runs },
      )
      .catch((error: unknown) => {
        // fast-check keeps the failed check in `cause`: say it, with the shrunk counterexample.
        const cause = (error as { cause?: unknown }).cause;
        throw new Error(`${(error as Error).message}\n${cause instanceof Error ? cause.message : ''}`);
      });
    fuzzScene(this).fuzz = report;
  },
);

function fuzzReport(world: ConformanceWorld): FuzzReport {
  return needed(fuzzScene(world).fuzz, 'the generated requests');
}

Then('none was answered 5xx, showed a stack trace, an internal path or a secret', function (this: ConformanceWorld) {
  const { runs, sent, rateLimited } = fuzzReport(this);
  // The checks ran inside the property, on every request actually sent;
  // most must have been sendable, and reached the routes.
  assert.ok(sent >= runs * 0.8, `${sent} of ${runs} generated requests could be sent`);
  assert.ok(
    rateLimited <= sent * 0.05,
    `${rateLimited} of ${sent} were refused by a rate limit: the limits were in the way`,
  );
});

Then('none changed the store', function (this: ConformanceWorld) {
  assert.deepEqual(
    fuzzReport(this).changes.map(
      (change) => `${change.request.method} ${change.request.target} -> ${change.answer.status}`,
    ),
    [],
  );
});

Then('every one sent to the provider will return to a path on this site', function (this: ConformanceWorld) {
  // Checked on each, inside the property: from our store in-process, by following the flow back otherwise.
  assert.ok(fuzzReport(this).toProvider > 0, 'some generated values were legitimate paths');
});

Then(
  /^only (those sent to the provider|the successful sign-ins|a same-site request carrying Alice's session|Alice's own live callbacks) changed the store$/,
  function (this: ConformanceWorld, which: string) {
    const { changes } = fuzzReport(this);
    const isLegitimate = legitimate[which] as Legitimate;
    const knowns = needed(fuzzScene(this).fuzzKnowns, 'what the generated requests knew');
    assert.ok(changes.length > 0, 'the legitimate requests did change something');
    const others = changes.filter((change) => !isLegitimate(change, knowns));
    assert.deepEqual(
      others.map((change) => `${change.request.method} ${change.request.target} -> ${change.answer.status}`),
      [],
      `only ${which}`,
    );
  },
);
