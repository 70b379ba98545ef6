import { strict as assert } from 'node:assert';
import { Agent, request } from 'node:http';
import { Given, Then, When } from '@cucumber/cucumber';
import fc from 'fast-check';
import { secretsSeen } from './support/secret-scan';
import { hostileRequests, type HostileRequest, type Knowns } from './support/hostile-requests';
import type { ConformanceWorld } from './support/world';

/** Fixed, so that a run is repeatable: a failure prints the seed and the shrunk case. */
export const fuzzSeed = 20_261_126;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

interface FuzzReport {
  runs: number;
  sent: number;
  changed: number;
  toProvider: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Send exactly what was generated (no normalisation); undefined when Node
 * itself refuses to build the request. A connection the server drops is an
 * answer too: status 0, which fails the property.
 */
function send(base: string, hostile: HostileRequest): Promise<Answer | undefined> {
  const url = new URL(base);
  return new Promise((resolve) => {
    let outgoing;
    try {
      outgoing = request({ host: url.hostname, port: url.port, path: hostile.target, method: hostile.method, headers: hostile.headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
    } catch {
      resolve(undefined);
      return;
    }
    outgoing.on('error', (error) => resolve({ status: 0, headers: {}, body: `dropped: ${error.message}` }));
    outgoing.end(hostile.body);
  });
}

/** What the store holds that a request could change: counts, Alice's connection and session, the live authorization requests, revocations. */
async function storeSnapshot(world: ConformanceWorld, knowns: Knowns): Promise<string> {
  const store = await world.storeForChecks();
  const sessionId = /session=([^;]+)/.exec(knowns.sessionCookie)?.[1] ?? '';
  return JSON.stringify([
    await store.counts(),
    await store.findConnection('alice'),
    await store.findSession(sessionId),
    await Promise.all(knowns.liveStates.map((state) => store.findPendingAuthorization(state))),
    await store.listRevocations(),
  ]);
}

Given("the integration's rate limits are out of the way", async function (this: ConformanceWorld) {
  await this.reconfigure({ RATE_LIMITS: 'sign_in=1000000/60,connect=1000000/60,callback=1000000/60,api=1000000/60' });
});

/** A request a browser would send from this site's own page: no foreign Origin, no cross-site fetch. */
function fromThisSite(request: HostileRequest, origin: string): boolean {
  const from = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  return (from === undefined || from === origin) && (site === undefined || site === 'same-origin' || site === 'none');
}

/** Whether a request may legitimately change the store, given its answer. */
const legitimate: Record<string, (request: HostileRequest, answer: Answer, knowns: Knowns) => boolean> = {
  // Only the owner's browser, answering one of its own live authorization requests, may use up a state.
  '/callback': (request, _answer, knowns) =>
    request.method === 'GET' && request.headers.cookie === knowns.sessionCookie && knowns.liveStates.some((state) => request.target.includes(state)),
  '/connect': (_request, answer) => answer.status === 302,
  '/session': (request, answer, knowns) => request.method === 'POST' && answer.status === 303 && fromThisSite(request, knowns.origin),
  '/disconnect': (request, answer, knowns) =>
    request.method === 'POST' && request.headers.cookie === knowns.sessionCookie && [200, 303].includes(answer.status) && fromThisSite(request, knowns.origin),
  '/api/': () => false,
};

When('{int} generated requests hit {string}', async function (this: ConformanceWorld, runs: number, route: string) {
  const secrets = [...(await secretsSeen(this))];
  const tokens = await this.storedTokens('Alice');
  secrets.push(tokens.accessToken, tokens.refreshToken as string);
  const sessionCookie = await this.actor('Alice').agent.jar.getCookieString(this.url('/'));
  const liveStates: string[] = [];
  if (route === '/callback') {
    // Live authorization requests of Alice's, so that generated callbacks reach the state lookup and beyond.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await this.startConnecting('Alice');
      liveStates.push(new URL(this.actor('Alice').authorizationUrl as string).searchParams.get('state') as string);
    }
  }
  const knowns: Knowns = { issuer: this.mock.issuer, sessionCookie, origin: new URL(this.url('/')).origin, liveStates };
  const report: FuzzReport = { runs: 0, sent: 0, changed: 0, toProvider: 0 };
  const isLegitimate = legitimate[route];
  assert.ok(isLegitimate, `a property for ${route}`);

  await fc.assert(
    fc.asyncProperty(hostileRequests(route, knowns), async (hostile) => {
      report.runs += 1;
      const before = await storeSnapshot(this, knowns);
      const answer = await send(this.url('/'), hostile);
      if (!answer) return;
      report.sent += 1;
      const shown = `${answer.body}\n${JSON.stringify(answer.headers)}`;
      assert.ok(answer.status < 500, `answered ${answer.status}`);
      assert.doesNotMatch(shown, /\n\s+at \S|node_modules|\/work\/|\.ts:\d+|Error: /, 'no stack trace or internal path');
      for (const secret of secrets) assert.ok(!shown.includes(secret), 'no secret in the answer');
      const changed = (await storeSnapshot(this, knowns)) !== before;
      if (changed) {
        report.changed += 1;
        assert.ok(isLegitimate(hostile, answer, knowns), `the store changed after a ${answer.status} that was no legitimate step`);
      }
      const location = answer.headers.location;
      if (route === '/connect' && answer.status === 302 && typeof location === 'string') {
        report.toProvider += 1;
        const state = new URL(location).searchParams.get('state') ?? '';
        const pending = await (await this.storeForChecks()).findPendingAuthorization(state);
        assert.ok(pending, 'the pending authorization is stored');
        const landing = new URL(pending.returnTo, this.url('/'));
        assert.equal(landing.origin, new URL(this.url('/')).origin, `return_to ${pending.returnTo} stays on this site`);
        assert.match(pending.returnTo, /^\/(?![/\\])/, 'a plain path');
      }
    }),
    { seed: fuzzSeed, numRuns: runs },
  );
  this.notes.set('fuzz', report);
});

function report(world: ConformanceWorld): FuzzReport {
  const found = world.notes.get('fuzz') as FuzzReport | undefined;
  assert.ok(found, 'the generated requests ran');
  return found;
}

Then('none was answered 5xx, showed a stack trace, an internal path or a secret', function (this: ConformanceWorld) {
  const { runs, sent } = report(this);
  // The checks ran inside the property, on every request actually sent; most must have been sendable.
  assert.ok(sent >= runs * 0.8, `${sent} of ${runs} generated requests could be sent`);
});

Then('none changed the store', function (this: ConformanceWorld) {
  assert.equal(report(this).changed, 0);
});

Then('every one sent to the provider will return to a path on this site', function (this: ConformanceWorld) {
  assert.ok(report(this).toProvider > 0, 'some generated values were legitimate paths');
});

Then(/^only (?:those sent to the provider|the successful sign-ins|a same-site request carrying Alice's session|Alice's own live callbacks) changed the store$/, function (this: ConformanceWorld) {
  assert.ok(report(this).changed > 0, 'the legitimate requests did change the store');
});
