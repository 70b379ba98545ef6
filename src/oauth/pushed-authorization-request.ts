/**
 * Pushed authorization requests (RFC 9126): the authorization request's
 * parameters sent to the PAR endpoint in the back channel, with client
 * authentication; its answer is the `request_uri` the browser then carries
 * (./authorization-redirect.ts). Never retried on failure (each push makes a
 * request_uri); a refusal is `pushed_authorization_refused`, a provider that
 * cannot answer now `provider_unavailable`.
 */
import { IntegrationError, isPrintableErrorCode } from '../errors';
import { parseJsonObject, type ProviderClient, retryAfterOf } from '../http/provider-client';
import type { ClientAuthentication } from './client-authentication';

export async function pushAuthorizationRequest(
  http: ProviderClient,
  clientAuthentication: ClientAuthentication,
  endpoint: string,
  parameters: URLSearchParams,
): Promise<string> {
  // A push the provider refuses as invalid_client made no request_uri: sent
  // again with the older client key (client-authentication.ts).
  const response = await clientAuthentication.send((credentialsToSend) =>
    http.request('par', 'never', async (http) => {
      const credentials = await credentialsToSend();
      return http.post(endpoint, {
        headers: { ...credentials.headers },
        form: { ...Object.fromEntries(parameters), ...credentials.form },
      });
    }),
  );
  const status = response.statusCode;
  if (status === 503 || status === 429) {
    throw new IntegrationError('provider_unavailable', `the pushed authorization request endpoint answered ${status}`, {
      retryAfterSeconds: retryAfterOf(response),
    });
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
