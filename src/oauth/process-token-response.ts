/**
 * The token response (RFC 6749 5.1), read strictly where it matters and
 * tolerantly where the RFC allows: `token_type` in any case, `expires_in`
 * and `scope` optional (a missing `scope` means what was asked for), unknown
 * fields ignored. An `id_token` is required after the code exchange when
 * `openid` was asked for; a refresh may leave it out.
 */
import { IntegrationError } from '../errors';
import { parseJsonObject, type ProviderResponse } from '../http/provider-client';
import { tokenEndpointError } from './token-endpoint-error';

export interface TokenEndpointResponse {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
  /** Seconds, when the provider said. */
  readonly expiresIn?: number;
  readonly scopes: readonly string[];
}

function invalid(message: string): IntegrationError {
  return new IntegrationError('invalid_token_response', message);
}

const maxExpiresIn = 366 * 24 * 3600;

/** `expires_in`: whole seconds, from 1 to a year (a numeric string is tolerated); absent means unknown. */
function parseExpiresIn(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 1 || seconds > maxExpiresIn) {
    throw invalid('invalid "expires_in"');
  }
  return seconds;
}

export function processTokenResponse(
  response: ProviderResponse<string>,
  requestedScopes: readonly string[],
  options: { idTokenRequired: boolean; dpop?: boolean },
): TokenEndpointResponse {
  if (response.statusCode !== 200) throw tokenEndpointError(response);
  const body = parseJsonObject(response.body);
  if (!body) throw invalid('the token response is not a JSON object');

  const { access_token, token_type, expires_in, refresh_token, id_token, scope } = body;
  if (typeof access_token !== 'string' || access_token === '') throw invalid('missing "access_token"');
  // Asked for with a DPoP proof, the tokens must be DPoP-bound (RFC 9449 5): a bearer token is refused.
  if (options.dpop && (typeof token_type !== 'string' || token_type.toLowerCase() !== 'dpop')) {
    throw new IntegrationError(
      'token_not_dpop_bound',
      'the provider answered a DPoP token request with a "token_type" other than DPoP',
    );
  }
  if (!options.dpop && (typeof token_type !== 'string' || token_type.toLowerCase() !== 'bearer'))
    throw invalid('unsupported "token_type"');

  const expiresIn = parseExpiresIn(expires_in);
  if (refresh_token !== undefined && (typeof refresh_token !== 'string' || refresh_token === ''))
    throw invalid('invalid "refresh_token"');
  if (scope !== undefined && typeof scope !== 'string') throw invalid('invalid "scope"');
  if (id_token !== undefined && typeof id_token !== 'string') throw invalid('invalid "id_token"');
  if (id_token === undefined && options.idTokenRequired) throw invalid('missing "id_token"');

  return {
    accessToken: access_token,
    refreshToken: refresh_token,
    idToken: id_token,
    expiresIn,
    scopes: scope === undefined ? [...requestedScopes] : scope.split(' ').filter(Boolean),
  };
}

/** Longer than any token a provider issues: a longer string is not worth keeping to revoke. */
const maxIssuedTokenLength = 8192;

/**
 * The tokens a 200 token response carries, read leniently: the provider holds
 * them live whatever else the response gets wrong, so a refusal that follows
 * must revoke them (contract 5.3). None for any other answer.
 */
export function issuedTokens(response: ProviderResponse<string>): { accessToken?: string; refreshToken?: string } {
  if (response.statusCode !== 200) return {};
  const body = parseJsonObject(response.body);
  const token = (value: unknown) =>
    typeof value === 'string' && value !== '' && value.length <= maxIssuedTokenLength ? value : undefined;
  return { accessToken: token(body?.access_token), refreshToken: token(body?.refresh_token) };
}
