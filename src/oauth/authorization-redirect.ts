/**
 * Where the browser goes to authorize (RFC 6749 4.1.1): the authorization
 * URL in full, or, when PUSHED_AUTHORIZATION_REQUESTS is on or the
 * provider's metadata says `require_pushed_authorization_requests`, by
 * reference to a pushed request (RFC 9126, ./pushed-authorization-request.ts):
 * only `client_id` and the `request_uri` the provider answered, nothing else
 * of the request in the front channel.
 */
import { IntegrationError } from '../errors';
import type { ProviderClient } from '../http/provider-client';
import { isSecureOrLoopback } from '../http/secure-url';
import type { PendingAuthorization } from '../store/store';
import { buildAuthorizationUrl } from './authorization-request';
import type { ClientAuthentication } from './client-authentication';
import type { ProviderMetadata } from './discovery';
import { pushAuthorizationRequest } from './pushed-authorization-request';

export interface AuthorizationRedirectDependencies {
  readonly config: { readonly clientId: string; readonly pushedAuthorizationRequests: boolean };
  readonly http: ProviderClient;
  readonly clientAuthentication: ClientAuthentication;
}

/** Where the browser goes to authorize: the authorization URL in full, or by reference to a pushed request. */
export class AuthorizationRedirect {
  constructor(private readonly deps: AuthorizationRedirectDependencies) {}

  /** Whether this provider gets the request pushed. */
  pushes(metadata: ProviderMetadata): boolean {
    return this.deps.config.pushedAuthorizationRequests || metadata.require_pushed_authorization_requests === true;
  }

  async url(metadata: ProviderMetadata, pending: PendingAuthorization): Promise<URL> {
    const { clientId } = this.deps.config;
    const full = buildAuthorizationUrl(metadata.authorization_endpoint, clientId, pending);
    if (!this.pushes(metadata)) return full;
    const endpoint = metadata.pushed_authorization_request_endpoint;
    if (typeof endpoint !== 'string' || !URL.canParse(endpoint) || !isSecureOrLoopback(new URL(endpoint))) {
      throw new IntegrationError(
        'provider_error',
        'discovery: pushed authorization requests are needed but "pushed_authorization_request_endpoint" is missing or not an https URL',
      );
    }
    const requestUri = await pushAuthorizationRequest(
      this.deps.http,
      this.deps.clientAuthentication,
      endpoint,
      full.searchParams,
    );
    const url = new URL(metadata.authorization_endpoint);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('request_uri', requestUri);
    return url;
  }
}
