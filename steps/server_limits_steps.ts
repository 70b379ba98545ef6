/**
 * The integration's HTTP server cuts a request that takes too long to arrive
 * (docs/decisions.md, `server-timeouts`): a client trickling its headers
 * cannot hold a socket for ever. The timeout is our setting: @in-process.
 */
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';

import { Given, Then, When } from '@cucumber/cucumber';

import type { ConformanceWorld } from './support/world';

interface SlowRequest {
  readonly closed: boolean;
  readonly answer: string;
}

/** What became of each scenario's slow request. */
const slowRequests = new WeakMap<ConformanceWorld, SlowRequest>();

Given(
  "the integration waits at most {int} second(s) for a request's headers",
  async function (this: ConformanceWorld, seconds: number) {
    await this.inProcess.reconfigure({ SERVER_HEADERS_TIMEOUT_MS: String(seconds * 1000) });
  },
);

When("a client sends half of a request's headers and then nothing", async function (this: ConformanceWorld) {
  const target = new URL(this.url('/'));
  const socket = connect(Number(target.port), target.hostname);
  const outcome = new Promise<SlowRequest>((resolve) => {
    let answer = '';
    // The step's own guard, far beyond the integration's timeout: a connection still open then was never cut.
    const guard = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, answer });
    }, 15_000);
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ closed: true, answer });
    });
    socket.on('error', () => undefined);
  });
  socket.write(`GET / HTTP/1.1\r\nHost: ${target.host}\r\nX-Slow: `);
  slowRequests.set(this, await outcome);
});

Then('the integration closes that connection', function (this: ConformanceWorld) {
  const outcome = slowRequests.get(this);
  assert.ok(outcome, 'a slow request was sent');
  assert.ok(outcome.closed, 'the connection was still open long after the headers timeout');
  // Node answers 408 before closing; nothing else may come back.
  assert.ok(
    outcome.answer === '' || /^HTTP\/1\.1 408 /.test(outcome.answer),
    `unexpected answer: ${outcome.answer.slice(0, 200)}`,
  );
});
