/**
 * The example's settings, all from the environment. Only the first four are
 * required; the rest are the same names and defaults the conformance
 * harness is told about, so both sides agree on them.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`${name} is required (see examples/openid-client/README.md)\n`);
    process.exit(1);
  }
  return value;
}

function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export const settings = {
  issuer: new URL(required('ISSUER_URL')),
  clientId: required('CLIENT_ID'),
  /** client_secret_basic; not used under FAPI 2.0 (SECURITY_PROFILE=fapi2: private_key_jwt, fapi2.ts). */
  clientSecret:
    process.env.SECURITY_PROFILE === 'fapi2' ? (process.env.CLIENT_SECRET ?? '') : required('CLIENT_SECRET'),
  redirectUri: new URL(required('REDIRECT_URI')),
  port: Number(process.env.PORT ?? 3100),
  host: process.env.HOST ?? '127.0.0.1',
  scopes: process.env.SCOPES ?? 'openid profile offline_access databases:read',
  /** Scopes asked for only when the user first needs them (incremental authorization): `/connect?scope=`. */
  optionalScopes: (process.env.OPTIONAL_SCOPES ?? 'databases:write').split(' ').filter(Boolean),
  /** The vendor's resource API; its own path is kept when a request's path is added to it. */
  apiBaseUrl: new URL(process.env.API_BASE_URL ?? `${required('ISSUER_URL').replace(/\/$/, '')}/v1`),
  refreshMarginMs: seconds('REFRESH_MARGIN_SECONDS', 60) * 1000,
  providerTimeoutMs: seconds('PROVIDER_TIMEOUT_MS', 5000),
  pendingTtlMs: seconds('PENDING_AUTHORIZATION_TTL_SECONDS', 600) * 1000,
  revocationRetryMs: seconds('REVOCATION_RETRY_INTERVAL_SECONDS', 30) * 1000,
  /** `grant`: revoking a refresh token ends the grant's access tokens; `token` (default): revoke each replaced one. */
  providerRevocationScope: process.env.PROVIDER_REVOCATION_SCOPE === 'grant' ? 'grant' : 'token',
};

/** Where users reach this integration: the origin of its redirect URI. */
export const origin = settings.redirectUri.origin;
