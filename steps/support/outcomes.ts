/**
 * Assertions on what a person sees, shared by step files.
 */
import { strict as assert } from 'node:assert';

import { expectedStatus } from './expected-status';
import { errorCodeOf } from './html-forms';
import type { HttpResponse } from './user-agent';

/** A stack frame of a script, as a page or JSON body must never show one (contract 4.1). */
export const stackFrame = /\bat .+\.(ts|js):\d+/;

/**
 * The response is the refusal `code`, with the status the contract
 * (docs/contract.md) gives it, the page or JSON naming the code, and no stack trace.
 */
export function assertRefused(response: HttpResponse | undefined, code: string): void {
  assert.ok(response, 'no response to check');
  assert.equal(
    errorCodeOf(response.body),
    code,
    `expected the error "${code}", got ${response.statusCode}: ${response.body.slice(0, 600)}`,
  );
  const status = expectedStatus[code];
  assert.ok(status, `the harness knows the status of "${code}"`);
  assert.equal(response.statusCode, status, `"${code}" answers ${status}`);
  assert.doesNotMatch(response.body, stackFrame, 'no stack trace');
}
