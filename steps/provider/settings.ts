/**
 * The provider profile's settings (docs/provider-mode.md): the issuer to
 * check, the client registered there, the redirect URI the harness listens
 * on, a test account, and how to fill the provider's sign-in and consent
 * pages. Read once, checked at start, with a sentence a person can act on.
 */
export type LoginMode = 'http' | 'browser';

export interface ProviderSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** client_secret_basic (or client_secret_post when the provider offers only that); private_key_jwt is not offered. */
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly username: string;
  readonly password: string;
  readonly login: LoginMode;
  /** Form field names (http) that take the username and the password; the first one a form has wins. */
  readonly usernameFields: readonly string[];
  readonly passwordFields: readonly string[];
  /** The approve button of a consent page: `name=value` or a label (http); the first that a form has wins. */
  readonly approve: readonly string[];
  /** CSS selectors for the browser driver. */
  readonly selectors: { readonly username: string; readonly password: string; readonly submit: string };
  /** Scopes asked for, narrowed to those discovery advertises. */
  readonly scopes: readonly string[];
}

const list = (value: string | undefined, fallback: readonly string[]): readonly string[] =>
  value === undefined || value.trim() === ''
    ? fallback
    : value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the provider profile needs it (docs/provider-mode.md lists its settings).`);
  return value;
}

let settings: ProviderSettings | undefined;

export function providerSettings(): ProviderSettings {
  if (settings) return settings;
  const login = process.env.PROVIDER_LOGIN ?? 'http';
  if (login !== 'http' && login !== 'browser')
    throw new Error(`PROVIDER_LOGIN must be "http" or "browser", not "${login}".`);
  const usernameFields = list(process.env.PROVIDER_USERNAME_FIELD, ['username', 'login', 'email']);
  const passwordFields = list(process.env.PROVIDER_PASSWORD_FIELD, ['password']);
  const redirectUri = required('REDIRECT_URI');
  if (new URL(redirectUri).protocol !== 'http:')
    throw new Error('REDIRECT_URI must be an http:// address on this machine: the harness listens there itself.');
  settings = {
    issuer: required('ISSUER_URL'),
    clientId: required('CLIENT_ID'),
    clientSecret: required('CLIENT_SECRET'),
    redirectUri,
    username: process.env.PROVIDER_USERNAME ?? '',
    password: process.env.PROVIDER_PASSWORD ?? '',
    login,
    usernameFields,
    passwordFields,
    approve: list(process.env.PROVIDER_APPROVE, ['decision=approve', 'Approve', 'Allow', 'Continue']),
    selectors: {
      username:
        process.env.PROVIDER_USERNAME_SELECTOR ?? usernameFields.map((name) => `input[name="${name}"]`).join(', '),
      password:
        process.env.PROVIDER_PASSWORD_SELECTOR ?? passwordFields.map((name) => `input[name="${name}"]`).join(', '),
      submit:
        process.env.PROVIDER_SUBMIT_SELECTOR ??
        'button[name="decision"][value="approve"], button[type="submit"], input[type="submit"]',
    },
    scopes: list(process.env.PROVIDER_SCOPES?.replace(/ /g, ','), ['openid', 'profile', 'email', 'offline_access']),
  };
  return settings;
}
