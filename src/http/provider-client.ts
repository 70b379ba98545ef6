/**
 * Every call to the provider goes through here: a timeout on each, no
 * redirects followed, a duration recorded per endpoint, and retries only
 * where they are safe:
 *
 * - `never`: the code exchange. A code is good for one attempt; a lost
 *   answer cannot be asked for again.
 * - `not-processed`: a refresh. Only 429 and 503 say the provider did not
 *   process the request; replaying a rotated refresh token otherwise could
 *   revoke the whole grant (RFC 9700 4.14.2).
 * - `idempotent`: discovery, JWKS, the resource API's GETs, revocation.
 *   Also network errors, 502 and 504.
 *
 * Backoff is exponential with full jitter, bounded; `Retry-After` is
 * honoured up to a cap, and a longer one ends the retries at once.
 */
import { got, RequestError, type Got, type Response } from 'got';
import { IntegrationError } from '../errors';

export type ProviderEndpoint = 'discovery' | 'jwks' | 'token' | 'revocation' | 'resource' | 'par';
export type RetryPolicy = 'never' | 'not-processed' | 'idempotent';

export interface ProviderClientOptions {
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryAfterCapSeconds: number;
  /** PEM CA certificates trusted for the provider instead of the system's. */
  readonly certificateAuthority?: string;
  /** Called after every attempt: the endpoint, the status (or `error`), the seconds it took. */
  readonly observe?: (endpoint: ProviderEndpoint, status: string, seconds: number) => void;
  readonly random?: () => number;
}

/** `Retry-After` in seconds, from either of its forms (RFC 9110 10.2.3). */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Node's codes for a TLS connection that fails verification or negotiation (OpenSSL's X509_V_ERR_* names, ERR_TLS_*, ERR_SSL_*). */
function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA|INVALID_PURPOSE|HOSTNAME_MISMATCH|PATH_LENGTH_EXCEEDED)/.test(code);
}

export class ProviderClient {
  private readonly got: Got;

  constructor(private readonly options: ProviderClientOptions) {
    this.got = got.extend({
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
      headers: { 'user-agent': 'mysql-integration-auth-flow/0.1', accept: 'application/json' },
      ...(options.certificateAuthority ? { https: { certificateAuthority: options.certificateAuthority } } : {}),
    });
  }

  /** Send a request to the provider under a retry policy; a network failure that is not retried becomes `provider_unavailable`. */
  async request(endpoint: ProviderEndpoint, policy: RetryPolicy, send: (http: Got) => Promise<Response<string>>): Promise<Response<string>> {
    for (let attempt = 1; ; attempt += 1) {
      const started = performance.now();
      let response: Response<string>;
      try {
        response = await send(this.got);
      } catch (error) {
        this.options.observe?.(endpoint, 'error', (performance.now() - started) / 1000);
        if (!(error instanceof RequestError)) throw error;
        // A certificate that fails verification will fail again: never retried, never ignored.
        if (isTlsFailure(error.code)) {
          throw new IntegrationError('provider_tls_error', `the provider's TLS certificate was refused (${error.code})`, { cause: error });
        }
        if (policy === 'idempotent' && attempt < this.options.attempts) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new IntegrationError('provider_unavailable', `the ${endpoint} request failed: ${error.code}`, { cause: error });
      }
      this.options.observe?.(endpoint, String(response.statusCode), (performance.now() - started) / 1000);
      const delay = this.retryDelay(response, policy, attempt);
      if (delay === undefined) return response;
      await sleep(delay);
    }
  }

  private retryDelay(response: Response<string>, policy: RetryPolicy, attempt: number): number | undefined {
    if (policy === 'never' || attempt >= this.options.attempts) return undefined;
    const status = response.statusCode;
    const notProcessed = status === 429 || status === 503;
    if (!notProcessed && !(policy === 'idempotent' && (status === 502 || status === 504))) return undefined;
    const retryAfter = retryAfterSeconds(response.headers['retry-after'], Date.now());
    if (retryAfter !== undefined) return retryAfter <= this.options.retryAfterCapSeconds ? retryAfter * 1000 : undefined;
    return this.backoff(attempt);
  }

  /** Full jitter: a random wait up to base * 2^(attempt-1), never above the maximum. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor((this.options.random ?? Math.random)() * ceiling);
  }
}

/** Parse a JSON object response body; undefined for anything else. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The Retry-After of a response worth passing on to our own caller. */
export function retryAfterOf(response: Response<string>): number | undefined {
  return retryAfterSeconds(response.headers['retry-after'], Date.now());
}
