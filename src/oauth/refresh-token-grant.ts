/**
 * The refresh request (RFC 6749 6): the refresh token and client
 * authentication, and no `scope`, so the provider grants exactly what was
 * granted before and never more. Sent again only when the provider said it
 * did not process it (429, 503): a rotated refresh token must not be replayed.
 */
import type { ProviderClient, ProviderResponse } from '../http/provider-client';
import type { ClientAuthentication } from './client-authentication';
import type { DpopBinding } from './dpop';
import { tokenRequest } from './token-request';

export function refreshTokenGrantRequest(
  http: ProviderClient,
  tokenEndpoint: string,
  client: ClientAuthentication,
  refreshToken: string,
  dpop?: DpopBinding,
): Promise<ProviderResponse<string>> {
  const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
  return tokenRequest({ http, tokenEndpoint, client, policy: 'not-processed', form, ...(dpop ? { dpop } : {}) });
}
