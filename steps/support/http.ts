/**
 * The harness's HTTP client: got, sending each request once. got retries a
 * GET that meets a 429 or a 5xx by default (after 1 s, then 2 s); a check
 * must see the first answer itself, and count only the requests its step
 * sent, or a retry would hide a failure and multiply what the integration or
 * the provider received. Every step and support module imports got from
 * here (eslint.config.mjs refuses the bare package in steps/).
 */
import { got as gotWithRetries } from 'got';

export const got = gotWithRetries.extend({ retry: { limit: 0 } });
export type { Got, Response } from 'got';
