import { strict as assert } from 'node:assert';
import { Then, When } from '@cucumber/cucumber';
import { got } from 'got';
import type { ConformanceWorld } from './support/world';

type LogLine = { requestId?: string; flowId?: string; msg?: string; path?: string };

function logLines(world: ConformanceWorld): LogLine[] {
  return world.logLines.map((line) => JSON.parse(line) as LogLine);
}

Then('every log line of her/his connect carries a request id', function (this: ConformanceWorld) {
  const lines = logLines(this);
  assert.ok(lines.length >= 4, 'the connect wrote log lines');
  for (const line of lines) assert.match(line.requestId ?? '', /^[0-9a-f-]{36}$/, JSON.stringify(line));
});

Then('the lines of the authorization request and of the callback carry the same flow id', function (this: ConformanceWorld) {
  const lines = logLines(this);
  const started = lines.find((line) => line.msg === 'authorization request');
  const connected = lines.find((line) => line.msg === 'connected');
  const callbackRequest = lines.find((line) => line.msg === 'request' && line.path === '/callback');
  assert.ok(started?.flowId && connected && callbackRequest, 'the flow was logged');
  assert.equal(connected.flowId, started.flowId);
  assert.equal(callbackRequest.flowId, started.flowId);
  assert.equal(connected.requestId, callbackRequest.requestId);
});

When(
  '{person} asks for her/his connection status with the request id {string}',
  async function (this: ConformanceWorld, person: string, requestId: string) {
    this.lastResponse = await this.actor(person).agent.get(this.url('/api/connection'), { 'x-request-id': requestId });
  },
);

Then('the answer carries the request id {string}', function (this: ConformanceWorld, requestId: string) {
  assert.equal(this.lastResponse?.headers['x-request-id'], requestId);
});

Then('a log line of that request carries it too', function (this: ConformanceWorld) {
  const requestId = this.lastResponse?.headers['x-request-id'];
  assert.ok(logLines(this).some((line) => line.requestId === requestId && line.path === '/api/connection'));
});

async function metric(world: ConformanceWorld, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = (await got.get(world.url('/metrics'))).body;
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text
    .split('\n')
    .find((candidate) => (candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`)) && wanted.every((label) => candidate.includes(label)));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

Then('the metric {string} is {int}', async function (this: ConformanceWorld, name: string, value: number) {
  assert.equal(await metric(this, name), value);
});

Then(
  /^the metric "(\w+)" for the (code|outcome|route) "(\w+)" is (\d+)$/,
  async function (this: ConformanceWorld, name: string, label: string, value: string, expected: string) {
    assert.equal(await metric(this, name, { [label]: value }), Number(expected));
  },
);

Then(
  'the metric {string} for the endpoint {string} and status {string} is {int}',
  async function (this: ConformanceWorld, name: string, endpoint: string, status: string, value: number) {
    assert.equal(await metric(this, name, { endpoint, status }), value);
  },
);

Then(
  'the readiness answer is {int} with the provider {string} and the store {string}',
  function (this: ConformanceWorld, status: number, provider: string, store: string) {
    assert.equal(this.lastResponse?.statusCode, status);
    assert.deepEqual(JSON.parse(this.lastResponse?.body ?? '{}'), {
      status: status === 200 ? 'ready' : 'not_ready',
      checks: { provider, store },
    });
  },
);
