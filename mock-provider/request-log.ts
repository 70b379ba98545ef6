/**
 * The record of every request the provider received at a named endpoint,
 * so that a test can assert what the provider saw: which parameters, which
 * client authentication. Kept in memory, in arrival order.
 */
import type { Middleware } from 'koa';
import { endpointOf, type Endpoint } from './endpoints';

export interface RecordedRequest {
  readonly endpoint: Endpoint;
  readonly method: string;
  /** Parameters as oidc-provider parsed them (query or form body). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The scheme of the Authorization header (`Basic`, `Bearer`...), if any. */
  readonly authorizationScheme: string | undefined;
  /** The client that authenticated, when the endpoint authenticates clients. */
  readonly clientId: string | undefined;
  /** The bearer token presented to the resource API (kept only in this in-memory record, for assertions). */
  readonly bearerToken: string | undefined;
  /** The tokens a token endpoint response carried (kept only in this in-memory record, for assertions). */
  readonly issuedTokens: readonly string[];
  /** The status answered; 0 when the connection was dropped on purpose. */
  readonly status: number;
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

  middleware(): Middleware {
    return async (ctx, next) => {
      const endpoint = endpointOf(ctx.path);
      try {
        await next();
      } finally {
        if (endpoint) {
          const oidc = (ctx as { oidc?: { params?: Record<string, unknown>; client?: { clientId: string } } }).oidc;
          const params = oidc?.params ? Object.fromEntries(Object.entries(oidc.params).filter(([, value]) => value !== undefined)) : {};
          this.requests.push({
            endpoint,
            method: ctx.method,
            params,
            authorizationScheme: ctx.get('authorization').split(' ')[0] || undefined,
            clientId: oidc?.client?.clientId,
            bearerToken: endpoint === 'resource' ? /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1] : undefined,
            issuedTokens: endpoint === 'token' ? issuedTokensOf(ctx.body) : [],
            status: (ctx.state as { dropped?: boolean }).dropped ? 0 : ctx.status,
          });
        }
      }
    };
  }
}
