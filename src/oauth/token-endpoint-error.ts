/**
 * What a failed token endpoint response means (RFC 6749 5.2). `invalid_grant`
 * means the user must start again; `invalid_client` is a configuration error
 * and is never retried; 503 and 429 mean the provider is unavailable; other
 * 5xx mean it failed.
 */
import { IntegrationError, isPrintableErrorCode } from '../errors';
import { parseJsonObject, type ProviderResponse, retryAfterOf } from '../http/provider-client';

export function tokenEndpointError(response: ProviderResponse<string>): IntegrationError {
  const status = response.statusCode;
  if (status === 503 || status === 429) {
    return new IntegrationError('provider_unavailable', `the token endpoint answered ${status}`, {
      retryAfterSeconds: retryAfterOf(response),
    });
  }
  if (status >= 500) return new IntegrationError('provider_error', `the token endpoint answered ${status}`);
  const error = parseJsonObject(response.body)?.error;
  if (error === 'invalid_grant') {
    return new IntegrationError('invalid_grant', 'the provider refused the authorization code ("invalid_grant")');
  }
  if (error === 'invalid_client') {
    return new IntegrationError('invalid_client', 'the provider refused the client credentials ("invalid_client")');
  }
  if (isPrintableErrorCode(error)) {
    return new IntegrationError('token_request_failed', `the token endpoint answered "${error}"`);
  }
  return new IntegrationError('provider_error', `the token endpoint answered ${status} without an OAuth error`);
}
