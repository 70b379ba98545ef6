/**
 * The test hooks of contract 9.1 as an operator must be able to trust them:
 * absent out of test mode, and refused to callers that are not on loopback.
 * Our integration only, in-process: these steps restart it with TEST_HOOKS
 * of their own and serve it at a second, non-loopback address.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

import { type DataTable, Given, Then, When } from '@cucumber/cucumber';

import { skipReasonMediaType } from './support/capabilities';
import { got, type Response } from './support/http';
import { sceneOf } from './support/scenes/scene';
import type { ConformanceWorld } from './support/world';

interface TestHookScene {
  /** The address of this machine, not loopback, at which the integration is also served. */
  networkUrl?: string;
  answers: Array<{ request: string; answer: Response<string> }>;
}

const scene = sceneOf<TestHookScene>(() => ({ answers: [] }));

Given(
  /^the integration runs with TEST_HOOKS (unset|set to "true"|set to "false")$/,
  async function (this: ConformanceWorld, setting: string) {
    const value = setting === 'unset' ? undefined : setting.slice('set to "'.length, -1);
    await this.inProcess.reconfigure({ TEST_HOOKS: value });
    assert.equal(this.inProcess.config.testHooks, value === 'true', 'the setting took effect');
  },
);

/** An IPv4 address of this machine that is not loopback (the hooks must refuse callers from it). */
function networkAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

Given("it is also served at this machine's own address on its network", async function (this: ConformanceWorld) {
  const address = networkAddress();
  if (!address) {
    this.attach(
      'this machine has no network address but loopback: no caller from elsewhere can be made',
      skipReasonMediaType,
    );
    return 'skipped';
  }
  // The integration's own request handler, behind a second server: a port forward, or a HOST bound too widely.
  const running = this.inProcess.running;
  const server = createServer((request, response) => running.server.emit('request', request, response));
  server.listen(0, address);
  await once(server, 'listening');
  this.inProcess.onStop(async () => {
    server.closeAllConnections();
    server.close();
  });
  scene(this).networkUrl = `http://${address}:${(server.address() as AddressInfo).port}`;
  return undefined;
});

async function send(world: ConformanceWorld, base: string, requests: DataTable): Promise<void> {
  for (const { method = '', path = '', body = '' } of requests.hashes()) {
    const answer = await got(new URL(path, base), {
      method: method as 'GET' | 'POST',
      ...(body ? { body, headers: { 'content-type': 'application/json', accept: 'application/json' } } : {}),
      throwHttpErrors: false,
      followRedirect: false,
    });
    scene(world).answers.push({ request: `${method} ${path}`, answer });
  }
}

When('a caller on loopback sends', async function (this: ConformanceWorld, requests: DataTable) {
  assert.match(new URL(this.sut.baseUrl).hostname, /^127\./, 'ours listens on loopback');
  await send(this, this.sut.baseUrl, requests);
});

When('a caller from that address sends', async function (this: ConformanceWorld, requests: DataTable) {
  const base = scene(this).networkUrl;
  assert.ok(base, 'the integration is served at a network address');
  await send(this, base, requests);
});

Then(/^each is answered (404|2xx)$/, function (this: ConformanceWorld, expected: string) {
  const { answers } = scene(this);
  assert.ok(answers.length > 0, 'requests were sent');
  for (const { request, answer } of answers) {
    const seen = `${request}: ${answer.statusCode} ${answer.body.slice(0, 200)}`;
    if (expected === '404') assert.equal(answer.statusCode, 404, seen);
    else assert.ok(answer.statusCode >= 200 && answer.statusCode < 300, seen);
  }
});

Then(
  "the integration's time has moved {int} seconds ahead of the harness's",
  function (this: ConformanceWorld, seconds: number) {
    // The harness's clock of ours (moved only by World.timePasses), against the time the integration goes by.
    const moved = this.inProcess.integration.now() - this.inProcess.clock.now();
    assert.ok(Math.abs(moved - seconds * 1000) < 1000, `moved ${moved} ms`);
  },
);
