/**
 * Every call to the provider goes through here: a timeout on each, no
 * automatic retries (a retry is decided where it is safe, never here), no
 * redirects followed, and network failures turned into stable codes.
 */
import { got, RequestError, type Got, type Response } from 'got';
import { IntegrationError } from '../errors';

export interface ProviderClientOptions {
  readonly timeoutMs: number;
}

export type ProviderClient = Got;

export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  return got.extend({
    timeout: { request: options.timeoutMs },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    headers: { 'user-agent': 'mysql-integration-auth-flow/0.1', accept: 'application/json' },
  });
}

/** Run a provider call; a network failure or timeout becomes `provider_unavailable`. */
export async function callProvider(what: string, call: () => Promise<Response<string>>): Promise<Response<string>> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RequestError) {
      throw new IntegrationError('provider_unavailable', `the ${what} request failed: ${error.code}`, { cause: error });
    }
    throw error;
  }
}

/** Parse a JSON object response body; anything else is `invalid` with `code`. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
