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
 *
 * The requests are node's own (`node:http`, `node:https`) over kept-alive
 * connections of this client's agents: one timer per request covers the
 * whole of it (connecting, sending, the answer's headers and body), as
 * got's `timeout.request` did. got's generality cost more per call than the
 * rest of an API request together (bench/README.md); what we use of it is
 * this file.
 */
import {
  Agent as HttpAgent,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import { IntegrationError } from '../errors';

export type ProviderEndpoint = 'discovery' | 'jwks' | 'token' | 'revocation' | 'resource' | 'par' | 'userinfo';
export type RetryPolicy = 'never' | 'not-processed' | 'idempotent';

/** A provider's answer, its body read in full as UTF-8 text. */
export interface ProviderResponse<Body extends string = string> {
  readonly statusCode: number;
  /** Names in lower case; `set-cookie` is a list, every other header one string. */
  readonly headers: IncomingHttpHeaders;
  readonly body: Body;
}

export interface ProviderRequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent after the defaults (`user-agent`, `accept: application/json`), which they override; names in lower case. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** An `application/x-www-form-urlencoded` body. */
  readonly form?: Readonly<Record<string, string>>;
  /** A JSON body (`application/json`). */
  readonly json?: unknown;
}

/**
 * What a `send` callback is handed: one request, as `http(url, options)`, `http.get(url)` or `http.post(url, options)`.
 */
export interface ProviderHttp {
  (url: string | URL, options?: ProviderRequestOptions): Promise<ProviderResponse>;
  get(url: string | URL, options?: Omit<ProviderRequestOptions, 'method'>): Promise<ProviderResponse>;
  post(url: string | URL, options?: Omit<ProviderRequestOptions, 'method'>): Promise<ProviderResponse>;
}

/**
 * A request that got no complete answer: refused, reset, timed out (`ETIMEDOUT`), a TLS failure, a malformed answer.
 */
export class ProviderRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderRequestError';
  }
}

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

/**
 * Node's codes for a TLS connection that fails verification or
 * negotiation (OpenSSL's X509_V_ERR_* names, ERR_TLS_*, ERR_SSL_*).
 */
function isTlsFailure(code: string | undefined): boolean {
  return (
    code !== undefined &&
    /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA|INVALID_PURPOSE|HOSTNAME_MISMATCH|PATH_LENGTH_EXCEEDED)/.test(
      code,
    )
  );
}

const defaultHeaders = { 'user-agent': 'mysql-integration-auth-flow/0.1', accept: 'application/json' } as const;

/**
 * A failure of node's request or response as a ProviderRequestError, keeping
 * node's code (ECONNREFUSED, ECONNRESET, a TLS code, HPE_*).
 */
function requestError(error: unknown): ProviderRequestError {
  if (error instanceof ProviderRequestError) return error;
  const code = (error as { code?: unknown }).code;
  return new ProviderRequestError(typeof code === 'string' ? code : 'ERR_PROVIDER_REQUEST', (error as Error).message, {
    cause: error,
  });
}

export class ProviderClient {
  private readonly http: ProviderHttp;
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent: HttpsAgent;

  constructor(private readonly options: ProviderClientOptions) {
    this.httpsAgent = new HttpsAgent({
      keepAlive: true,
      ...(options.certificateAuthority ? { ca: options.certificateAuthority } : {}),
    });
    const http = (url: string | URL, request: ProviderRequestOptions = {}) => this.send(url, request);
    http.get = (url: string | URL, request: Omit<ProviderRequestOptions, 'method'> = {}) =>
      this.send(url, { ...request, method: 'GET' });
    http.post = (url: string | URL, request: Omit<ProviderRequestOptions, 'method'> = {}) =>
      this.send(url, { ...request, method: 'POST' });
    this.http = http;
  }

  /**
   * Send a request to the provider under a retry policy; a network
   * failure that is not retried becomes `provider_unavailable`.
   */
  async request(
    endpoint: ProviderEndpoint,
    policy: RetryPolicy,
    send: (http: ProviderHttp) => Promise<ProviderResponse>,
  ): Promise<ProviderResponse> {
    for (let attempt = 1; ; attempt += 1) {
      const started = performance.now();
      let response: ProviderResponse;
      try {
        response = await send(this.http);
      } catch (error) {
        this.options.observe?.(endpoint, 'error', (performance.now() - started) / 1000);
        if (!(error instanceof ProviderRequestError)) throw error;
        // A certificate that fails verification will fail again: never retried, never ignored.
        if (isTlsFailure(error.code)) {
          throw new IntegrationError(
            'provider_tls_error',
            `the provider's TLS certificate was refused (${error.code})`,
            { cause: error },
          );
        }
        if (policy === 'idempotent' && attempt < this.options.attempts) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new IntegrationError('provider_unavailable', `the ${endpoint} request failed: ${error.code}`, {
          cause: error,
        });
      }
      this.options.observe?.(endpoint, String(response.statusCode), (performance.now() - started) / 1000);
      const delay = this.retryDelay(response, policy, attempt);
      if (delay === undefined) return response;
      await sleep(delay);
    }
  }

  /** Close the kept-alive connections (they never keep the process alive meanwhile). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** One request, its answer read in full; any failure on the way is a ProviderRequestError. */
  private send(url: string | URL, request: ProviderRequestOptions): Promise<ProviderResponse> {
    return new Promise((resolve, reject) => {
      let target: URL;
      try {
        target = typeof url === 'string' ? new URL(url) : url;
      } catch (error) {
        reject(new ProviderRequestError('ERR_INVALID_URL', (error as Error).message, { cause: error }));
        return;
      }
      const https = target.protocol === 'https:';
      if (!https && target.protocol !== 'http:') {
        reject(new ProviderRequestError('ERR_UNSUPPORTED_PROTOCOL', `unsupported protocol "${target.protocol}"`));
        return;
      }
      let body: string | undefined;
      const headers: Record<string, string> = { ...defaultHeaders };
      if (request.form !== undefined) {
        body = new URLSearchParams(request.form).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      } else if (request.json !== undefined) {
        body = JSON.stringify(request.json);
        headers['content-type'] = 'application/json';
      }
      for (const [name, value] of Object.entries(request.headers ?? {}))
        if (value !== undefined) headers[name.toLowerCase()] = value;
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

      let settled = false;
      let outgoing: ClientRequest | undefined;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outgoing?.destroy();
        reject(requestError(error));
      };
      const answered = (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            statusCode: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
        // A connection closed before the body's end (not every such close comes with an error).
        response.on('close', () => {
          if (!response.complete)
            fail(new ProviderRequestError('ECONNRESET', 'the connection closed before the answer was complete'));
        });
      };
      const timer = setTimeout(
        () => fail(new ProviderRequestError('ETIMEDOUT', `timeout of ${this.options.timeoutMs} ms exceeded`)),
        this.options.timeoutMs,
      );
      try {
        const method = request.method ?? 'GET';
        outgoing = https
          ? httpsRequest(target, { method, headers, agent: this.httpsAgent }, answered)
          : httpRequest(target, { method, headers, agent: this.httpAgent }, answered);
      } catch (error) {
        // Refused before anything was sent (a header value node will not send, say).
        fail(error);
        return;
      }
      outgoing.on('error', fail);
      outgoing.end(body);
    });
  }

  private retryDelay(response: ProviderResponse, policy: RetryPolicy, attempt: number): number | undefined {
    if (policy === 'never' || attempt >= this.options.attempts) return undefined;
    const status = response.statusCode;
    const notProcessed = status === 429 || status === 503;
    if (!notProcessed && !(policy === 'idempotent' && (status === 502 || status === 504))) return undefined;
    const retryAfter = retryAfterSeconds(response.headers['retry-after'], Date.now());
    if (retryAfter !== undefined)
      return retryAfter <= this.options.retryAfterCapSeconds ? retryAfter * 1000 : undefined;
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
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The Retry-After of a response worth passing on to our own caller. */
export function retryAfterOf(response: ProviderResponse): number | undefined {
  return retryAfterSeconds(response.headers['retry-after'], Date.now());
}
