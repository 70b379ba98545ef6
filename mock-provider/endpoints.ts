/**
 * The provider's endpoints, by name, with the paths the mock mounts them on.
 * Faults, tampering and the request record all speak of endpoints by these
 * names. The resource API's base path can be moved (a control); the first
 * middleware names each request's endpoint once, for the others to read.
 */
import type { Context, Middleware } from 'koa';

export const endpointPaths = {
  discovery: '/.well-known/openid-configuration',
  authorization: '/auth',
  /** Pushed authorization requests (RFC 9126). */
  par: '/request',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/me',
  revocation: '/token/revocation',
  introspection: '/token/introspection',
  /** The vendor's resource API: every path under it (its default base path). */
  resource: '/v1',
} as const;

export type Endpoint = keyof typeof endpointPaths;

/** oidc-provider's `routes` option: every path above but discovery, which is fixed. */
export const providerRoutes = {
  authorization: endpointPaths.authorization,
  pushed_authorization_request: endpointPaths.par,
  token: endpointPaths.token,
  jwks: endpointPaths.jwks,
  userinfo: endpointPaths.userinfo,
  revocation: endpointPaths.revocation,
  introspection: endpointPaths.introspection,
};

export function endpointOf(path: string, resourceBasePath: string = endpointPaths.resource): Endpoint | undefined {
  if (path.startsWith(`${resourceBasePath}/`)) return 'resource';
  for (const [name, endpointPath] of Object.entries(endpointPaths)) {
    if (name !== 'resource' && path === endpointPath) return name as Endpoint;
  }
  return undefined;
}

interface EndpointState {
  endpoint?: Endpoint | null;
}

/** Names the endpoint of each request (null: none of them), with the resource API where it is now. */
export function endpointNaming(resourceBasePath: () => string): Middleware {
  return async (ctx, next) => {
    (ctx.state as EndpointState).endpoint = endpointOf(ctx.path, resourceBasePath()) ?? null;
    await next();
  };
}

/** The endpoint of a request, as named when it arrived. */
export function endpointIn(ctx: Context): Endpoint | undefined {
  const named = (ctx.state as EndpointState).endpoint;
  return named === undefined ? endpointOf(ctx.path) : (named ?? undefined);
}
