/**
 * The settings of the integration under test that the harness must know to
 * judge it (contract 2.2; docs/decisions.md, `harness-declared-settings`).
 * In-process they are read from the integration's own configuration; against
 * a remote integration they are declared to the harness through the same
 * environment variable names our integration reads, with our defaults.
 */
import type { Environment } from '../../src/config';

export interface Settings {
  /** The redirect URI registered at the provider; its path is the integration's callback route. */
  readonly redirectUri: string;
  /** An access token this close to its expiry is refreshed before use. */
  readonly refreshMarginSeconds: number;
  /** How long the integration waits for the provider. */
  readonly providerTimeoutMs: number;
  /** How long a pending authorization (its state) stays usable. */
  readonly pendingAuthorizationTtlSeconds: number;
  /** How often queued revocations are retried. */
  readonly revocationRetryIntervalSeconds: number;
  /** The scopes of every authorization request. */
  readonly scopes: readonly string[];
  /** Our own rate limits (`group=points/seconds,...`); ours only. */
  readonly rateLimits: string | undefined;
  /** The security profile the integration runs (contract 5.8): `basic`, or `fapi2` (PAR, DPoP, private_key_jwt). */
  readonly securityProfile: 'basic' | 'fapi2';
  /** Under FAPI 2.0: where the integration publishes its public client keys (its `jwks_uri` at the provider). */
  readonly clientJwksUri: string;
}

export const defaultScopes = 'openid profile offline_access databases:read';

function whole(environment: Environment, name: string, fallback: number): number {
  const value = environment[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number for the harness, got "${value}"`);
  return Number(value);
}

/** The settings a remote integration declares through the harness's environment (contract 2.2). */
export function declaredSettings(integrationUrl: string, environment: Environment = process.env): Settings {
  const redirectUri = environment.REDIRECT_URI || new URL('/callback', integrationUrl).href;
  // Contract 2.2: the harness posts with the integration's origin, which the integration compares with its
  // redirect URI's (section 6); two origins would fail every same-site post as a requirement, not as a setting.
  if (new URL(redirectUri).origin !== new URL(integrationUrl).origin)
    throw new Error(
      `REDIRECT_URI (${redirectUri}) must have the origin of INTEGRATION_URL (${integrationUrl}) for the harness`,
    );
  const providerTimeoutMs = whole(environment, 'PROVIDER_TIMEOUT_MS', 5000);
  // Contract 2.2: a slow refresh is held up to two seconds less than the timeout, and needs 1.5 s of it.
  if (providerTimeoutMs < 3500)
    throw new Error(
      `PROVIDER_TIMEOUT_MS must be at least 3500 for the harness (contract 2.2), got ${providerTimeoutMs}`,
    );
  const securityProfile = environment.SECURITY_PROFILE || 'basic';
  if (securityProfile !== 'basic' && securityProfile !== 'fapi2')
    throw new Error(`SECURITY_PROFILE must be "basic" or "fapi2" for the harness, got "${securityProfile}"`);
  return {
    redirectUri,
    refreshMarginSeconds: whole(environment, 'REFRESH_MARGIN_SECONDS', 60),
    providerTimeoutMs,
    pendingAuthorizationTtlSeconds: whole(environment, 'PENDING_AUTHORIZATION_TTL_SECONDS', 600),
    revocationRetryIntervalSeconds: whole(environment, 'REVOCATION_RETRY_INTERVAL_SECONDS', 30),
    scopes: (environment.SCOPES || defaultScopes).split(' ').filter(Boolean),
    rateLimits: environment.RATE_LIMITS || undefined,
    securityProfile,
    clientJwksUri: environment.CLIENT_JWKS_URI || new URL('/jwks.json', redirectUri).href,
  };
}
