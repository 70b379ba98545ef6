/**
 * Pushed authorization requests (RFC 9126). When PUSHED_AUTHORIZATION_REQUESTS
 * is on, or the provider's metadata says `require_pushed_authorization_requests`,
 * the authorization request's parameters go to the PAR endpoint in the back
 * channel, with client authentication, and the browser is sent to the
 * authorization endpoint with only `client_id` and the `request_uri` it
 * answered: nothing else of the request is in the front channel. Never
 * retried on failure (each push makes a request_uri); a refusal is
 * `pushed_authorization_refused`, a provider that cannot answer now
 * `provider_unavailable`.
 */
import { IntegrationError, isPrintableErrorCode } from '../errors';
import { parseJsonObject, retryAfterOf, type ProviderClient } from '../http/provider-client';
import { isSecureOrLoopback } from '../http/secure-url';
import type { PendingAuthorization } from '../store/store';
import { buildAuthorizationUrl } from './authorization-request';
import type { ProviderMetadata } from './discovery';
import type { ClientAuthentication } from './token-endpoint-auth';

export interface PushedAuthorizationDependencies {
  readonly config: { readonly clientId: string; readonly pushedAuthorizationRequests: boolean };
  readonly http: ProviderClient;
  readonly clientAuthentication: ClientAuthentication;
}

/** Where the browser goes to authorize: the authorization URL in full, or by reference to a pushed request. */
export class AuthorizationRedirect {
  constructor(private readonly deps: PushedAuthorizationDependencies) {}

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
    const requestUri = await this.push(endpoint, full.searchParams);
    const url = new URL(metadata.authorization_endpoint);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('request_uri', requestUri);
    return url;
  }

  private async push(endpoint: string, parameters: URLSearchParams): Promise<string> {
    // A push the provider refuses as invalid_client made no request_uri: sent again with the older client key (token-endpoint-auth.ts).
    const response = await this.deps.clientAuthentication.send((credentialsToSend) =>
      this.deps.http.request('par', 'never', async (http) => {
        const credentials = await credentialsToSend();
        return http.post(endpoint, {
          headers: { ...credentials.headers },
          form: { ...Object.fromEntries(parameters), ...credentials.form },
        });
      }),
    );
    const status = response.statusCode;
    if (status === 503 || status === 429) {
      throw new IntegrationError(
        'provider_unavailable',
        `the pushed authorization request endpoint answered ${status}`,
        { retryAfterSeconds: retryAfterOf(response) },
      );
    }
    const body = parseJsonObject(response.body);
    if (status === 201 || status === 200) {
      const requestUri = body?.request_uri;
      const expiresIn = body?.expires_in;
      if (
        typeof requestUri !== 'string' ||
        !/^urn:ietf:params:oauth:request_uri:[\x21-\x7e]{1,512}$/.test(requestUri) ||
        typeof expiresIn !== 'number' ||
        expiresIn <= 0
      ) {
        throw new IntegrationError(
          'provider_error',
          'the pushed authorization request endpoint answered without a valid "request_uri" and "expires_in"',
        );
      }
      return requestUri;
    }
    if (status >= 500)
      throw new IntegrationError('provider_error', `the pushed authorization request endpoint answered ${status}`);
    const error = body?.error;
    if (error === 'invalid_client')
      throw new IntegrationError('invalid_client', 'the provider refused the client credentials ("invalid_client")');
    const description = typeof body?.error_description === 'string' ? body.error_description.slice(0, 300) : undefined;
    throw new IntegrationError(
      'pushed_authorization_refused',
      `the pushed authorization request endpoint answered ${status}${isPrintableErrorCode(error) ? ` "${error}"` : ' without an OAuth error'}`,
      { description },
    );
  }
}
