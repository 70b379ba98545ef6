/**
 * The provider's endpoints, by name, with the paths the mock mounts them on.
 * Faults, tampering and the request record all speak of endpoints by these
 * names.
 */
export const endpointPaths = {
  discovery: '/.well-known/openid-configuration',
  authorization: '/auth',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/me',
  revocation: '/token/revocation',
  introspection: '/token/introspection',
  /** The vendor's resource API: every path under it. */
  resource: '/v1',
} as const;

export type Endpoint = keyof typeof endpointPaths;

/** oidc-provider's `routes` option: every path above but discovery, which is fixed. */
export const providerRoutes = {
  authorization: endpointPaths.authorization,
  token: endpointPaths.token,
  jwks: endpointPaths.jwks,
  userinfo: endpointPaths.userinfo,
  revocation: endpointPaths.revocation,
  introspection: endpointPaths.introspection,
};

export function endpointOf(path: string): Endpoint | undefined {
  if (path.startsWith(`${endpointPaths.resource}/`)) return 'resource';
  for (const [name, endpointPath] of Object.entries(endpointPaths)) {
    if (path === endpointPath) return name as Endpoint;
  }
  return undefined;
}
