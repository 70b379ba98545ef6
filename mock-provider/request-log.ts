/**
 * The record of every request the provider received at a named endpoint,
 * so that a test can assert what the provider saw: which parameters, which
 * client authentication. Kept in memory, in arrival order.
 */
import type { Context, Middleware } from 'koa';

import { type Endpoint, endpointIn } from './endpoints';

export interface RecordedRequest {
  readonly endpoint: Endpoint;
  readonly method: string;
  /** The path asked for (no query): under which base path the resource API was called. */
  readonly path: string;
  /** Parameters as oidc-provider parsed them (query or form body). */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * The names of the parameters in the URL's query as it arrived (at the authorization endpoint: the front channel).
   */
  readonly queryNames: readonly string[];
  /** The scheme of the Authorization header (`Basic`, `Bearer`...), if any. */
  readonly authorizationScheme: string | undefined;
  /** The client that authenticated, when the endpoint authenticates clients. */
  readonly clientId: string | undefined;
  /** The access token presented to the resource API or userinfo (kept only in this in-memory record, for asserting). */
  readonly bearerToken: string | undefined;
  /**
   * The DPoP proof sent with the request (RFC 9449), kept only here, for assertions and for replaying it on purpose.
   */
  readonly dpopProof: string | undefined;
  /**
   * The client assertion the client authenticated with (private_key_jwt,
   * RFC 7523), kept only here, for assertions and replays.
   */
  readonly clientAssertion: string | undefined;
  /** The tokens a token endpoint response carried (kept only in this in-memory record, for assertions). */
  readonly issuedTokens: readonly string[];
  /** The `request_uri` a pushed authorization request was answered with (RFC 9126 2.2). */
  readonly requestUri: string | undefined;
  /** The OAuth error code the answer carried in its JSON body (`invalid_grant`, `use_dpop_nonce`...), if any. */
  readonly error: string | undefined;
  /** The status answered; 0 when the connection was dropped on purpose, -1 while it is still in flight. */
  readonly status: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a fault or a rate limit leaves for the record when it answers instead of oidc-provider. */
export interface FaultState {
  params?: Record<string, unknown>;
  dropped?: boolean;
}

/** Read the parameters of a request that will not reach oidc-provider (query, or a form body up to 64 kB). */
export async function readParameters(ctx: Context): Promise<void> {
  const params: Record<string, unknown> = { ...ctx.query };
  if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 65_536) break;
      chunks.push(chunk);
    }
    for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[name] = value;
  }
  (ctx.state as FaultState).params = params;
}

/** A string member of a JSON answer's body. */
function memberOf(body: unknown, name: string): string | undefined {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function issuedTokensOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const { access_token, refresh_token, id_token } = body as Record<string, unknown>;
  return [access_token, refresh_token, id_token].filter((token): token is string => typeof token === 'string');
}

export class RequestLog {
  readonly requests: RecordedRequest[] = [];

  to(endpoint: Endpoint): RecordedRequest[] {
    return this.requests.filter((request) => request.endpoint === endpoint);
  }

  clear(): void {
    this.requests.length = 0;
  }

  /**
   * Records each request when it arrives (so one still in flight is seen),
   * and completes the record when it ends: the parameters (as oidc-provider
   * parsed them, or as a fault read them), the client, the status.
   */
  middleware(): Middleware {
    return async (ctx, next) => {
      const endpoint = endpointIn(ctx);
      if (!endpoint) {
        await next();
        return;
      }
      const record: Mutable<RecordedRequest> = {
        endpoint,
        method: ctx.method,
        path: ctx.path,
        params: {},
        queryNames: [...new URLSearchParams(ctx.querystring).keys()],
        authorizationScheme: ctx.get('authorization').split(' ')[0] || undefined,
        clientId: undefined,
        bearerToken:
          endpoint === 'resource' || endpoint === 'userinfo'
            ? /^(?:Bearer|DPoP) (.+)$/.exec(ctx.get('authorization'))?.[1]
            : undefined,
        dpopProof: ctx.get('dpop') || undefined,
        clientAssertion: undefined,
        issuedTokens: [],
        requestUri: undefined,
        error: undefined,
        status: -1,
      };
      this.requests.push(record);
      try {
        await next();
      } finally {
        const oidc = (
          ctx as {
            oidc?: { params?: Record<string, unknown>; client?: { clientId: string }; body?: Record<string, unknown> };
          }
        ).oidc;
        const assertion = oidc?.body?.client_assertion ?? (ctx.state as FaultState).params?.client_assertion;
        record.clientAssertion = typeof assertion === 'string' ? assertion : undefined;
        const params = (ctx.state as FaultState).params ?? oidc?.params ?? {};
        record.params = Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
        record.clientId = oidc?.client?.clientId;
        record.issuedTokens = endpoint === 'token' ? issuedTokensOf(ctx.body) : [];
        record.requestUri = endpoint === 'par' ? memberOf(ctx.body, 'request_uri') : undefined;
        record.error = memberOf(ctx.body, 'error');
        record.status = (ctx.state as FaultState).dropped ? 0 : ctx.status;
      }
    };
  }
}
