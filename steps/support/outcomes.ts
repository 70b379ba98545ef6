/**
 * Assertions on what a person sees, shared by step files.
 */
import { strict as assert } from 'node:assert';
import { errorCodeOf } from './html-forms';
import type { HttpResponse } from './user-agent';

/** The response is the refusal `code`, with its status from the error model and the page or JSON naming the code. */
export function assertRefused(response: HttpResponse | undefined, code: string, status?: number): void {
  assert.ok(response, 'no response to check');
  assert.equal(errorCodeOf(response.body), code, `expected the error "${code}", got ${response.statusCode}: ${response.body.slice(0, 600)}`);
  assert.ok(response.statusCode >= 400 && response.statusCode < 600, `an error status, got ${response.statusCode}`);
  if (status !== undefined) assert.equal(response.statusCode, status);
  assert.doesNotMatch(response.body, /\bat .+\.(ts|js):\d+/, 'no stack trace');
}
