import { strict as assert } from 'node:assert';

import { Then, When } from '@cucumber/cucumber';

import { metricsText, metricValue } from './support/metrics';
import type { Person } from './support/people';
import { observabilityScene } from './support/scenes/observability';
import { needed } from './support/scenes/scene';
import type { ConformanceWorld } from './support/world';

type LogLine = { requestId?: string; flowId?: string; msg?: string; path?: string };

/** The log lines the integration wrote in this scenario. */
async function logLines(world: ConformanceWorld): Promise<LogLine[]> {
  return (await world.sut.logLines())
    .slice(observabilityScene(world).logLinesAtStart)
    .map((line) => JSON.parse(line) as LogLine);
}

Then('every log line of her/his connect carries a request id', async function (this: ConformanceWorld) {
  const lines = await logLines(this);
  assert.ok(lines.length >= 4, 'the connect wrote log lines');
  // Ours in-process, started for this scenario, writes nothing but the lines of her requests here; a remote
  // integration's log may hold lines of its own background work: the lines that are surely of her requests are the
  // request lines and those of her flow.
  const ofHerRequests =
    this.mode === 'in-process' ? lines : lines.filter((line) => line.msg === 'request' || line.flowId !== undefined);
  assert.ok(ofHerRequests.length >= 2, 'the requests of her connect were logged');
  for (const line of ofHerRequests) assert.match(line.requestId ?? '', /^[0-9a-f-]{36}$/, JSON.stringify(line));
});

Then(
  'the lines of the authorization request and of the callback carry the same flow id',
  async function (this: ConformanceWorld) {
    const lines = await logLines(this);
    const started = lines.find((line) => line.msg === 'authorization request');
    const connected = lines.find((line) => line.msg === 'connected');
    const callbackPath = new URL(this.sut.settings.redirectUri).pathname;
    const callbackRequest = lines.find((line) => line.msg === 'request' && line.path === callbackPath);
    assert.ok(started?.flowId && connected && callbackRequest, 'the flow was logged');
    assert.equal(connected.flowId, started.flowId);
    assert.equal(callbackRequest.flowId, started.flowId);
    assert.equal(connected.requestId, callbackRequest.requestId);
  },
);

When(
  '{person} asks for her/his connection status with the request id {string}',
  async function (this: ConformanceWorld, person: Person, requestId: string) {
    person.response = await person.agent.get(this.url('/api/connection'), { 'x-request-id': requestId });
    this.lastAnswer = person.response;
  },
);

Then('the answer carries the request id {string}', function (this: ConformanceWorld, requestId: string) {
  assert.equal(this.lastAnswer?.headers['x-request-id'], requestId);
});

/** Request ids a caller may send that the integration must not keep (contract 8.3: `^[A-Za-z0-9._-]{8,64}$` only). */
const badRequestIds: Record<string, string> = {
  'with a space': 'support ticket 4711',
  'with a double quote': 'support"ticket"4711',
  'with a slash': 'support/ticket/4711',
  'of 7 characters': 'abc-123',
  'of 65 characters': 'a'.repeat(65),
};

When(
  /^(\w+) asks for (?:her|his) connection status with a request id (.+)$/,
  async function (this: ConformanceWorld, name: string, kind: string) {
    const requestId = badRequestIds[kind];
    assert.ok(requestId !== undefined, `no request id named "${kind}"`);
    const person = this.people.named(name);
    person.response = await person.agent.get(this.url('/api/connection'), { 'x-request-id': requestId });
    this.lastAnswer = person.response;
  },
);

/** A request id as contract 8.3 allows it: the caller's when sane, else the integration's own. */
const saneRequestId = /^[A-Za-z0-9._-]{8,64}$/;

Then(
  'the answer carries a request id of 8 to 64 letters, digits, dots, dashes or underscores',
  function (this: ConformanceWorld) {
    const answer = needed(this.lastAnswer, 'an answer');
    assert.match(String(answer.headers['x-request-id']), saneRequestId, `${answer.statusCode} ${answer.url}`);
  },
);

Then(
  'the answer carries a request id of 8 to 64 letters, digits, dots, dashes or underscores, not the one sent',
  function (this: ConformanceWorld) {
    const answer = needed(this.lastAnswer, 'an answer');
    const sent = answer.request.options.headers['x-request-id'];
    assert.ok(typeof sent === 'string', 'a request id was sent');
    const answered = String(answer.headers['x-request-id']);
    assert.notEqual(answered, sent, 'the request id sent was not kept');
    assert.match(answered, saneRequestId, `${answer.statusCode} ${answer.url}`);
  },
);

Then('a log line of that request carries it too', async function (this: ConformanceWorld) {
  const requestId = this.lastAnswer?.headers['x-request-id'];
  assert.ok((await logLines(this)).some((line) => line.requestId === requestId && line.path === '/api/connection'));
});

/**
 * How much a metric moved in this scenario. An integration counts from its
 * own start, so the metrics are read when the scenario starts (remote) and
 * compared; ours in-process starts with the scenario, from zero.
 */
async function moved(world: ConformanceWorld, name: string, labels: Record<string, string> = {}): Promise<number> {
  const start = observabilityScene(world).metricsAtStart;
  return (
    metricValue(await metricsText(world), name, labels) - (start === undefined ? 0 : metricValue(start, name, labels))
  );
}

Then('the metric {string} went up by {int}', async function (this: ConformanceWorld, name: string, value: number) {
  assert.equal(await moved(this, name), value);
});

Then('the metric {string} did not move', async function (this: ConformanceWorld, name: string) {
  assert.equal(await moved(this, name), 0);
});

Then(
  /^the metric "(\w+)" for the (code|outcome|route) "(\w+)" went up by (\d+)$/,
  async function (this: ConformanceWorld, name: string, label: string, value: string, expected: string) {
    assert.equal(await moved(this, name, { [label]: value }), Number(expected));
  },
);

Then(
  'the metric {string} for the endpoint {string} and status {string} went up by {int}',
  async function (this: ConformanceWorld, name: string, endpoint: string, status: string, value: number) {
    assert.equal(await moved(this, name, { endpoint, status }), value);
  },
);

Then(
  'the readiness answer is {int} with the provider {string} and the store {string}',
  function (this: ConformanceWorld, status: number, provider: string, store: string) {
    assert.equal(this.lastAnswer?.statusCode, status);
    assert.deepEqual(JSON.parse(this.lastAnswer?.body ?? '{}'), {
      status: status === 200 ? 'ready' : 'not_ready',
      checks: { provider, store },
    });
  },
);
