/**
 * The HTTP steps of a connect, as a browser makes them: through the
 * integration (sign in, /connect, the provider's pages, /callback), or the
 * same provider steps by a minimal client with no integration at all.
 */
import { createHash, randomBytes } from 'node:crypto';

import { type Got, got } from 'got';
import { CookieJar } from 'tough-cookie';

import type { ClientRegistration } from '../mock-provider';

function browser(jar = new CookieJar()): Got {
  return got.extend({
    cookieJar: jar,
    followRedirect: false,
    throwHttpErrors: false,
    responseType: 'text',
    retry: { limit: 0 },
  });
}

const actionOf = (page: string) => /action="([^"]+)"/.exec(page)?.[1];

/** Follow redirects until one points at `stop`; its URL. */
async function followUntil(
  http: Got,
  url: string,
  stop: (location: URL) => boolean,
): Promise<{ url: URL } | { page: string; at: string }> {
  let next = url;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await http.get(next);
    if (response.statusCode < 300 || response.statusCode >= 400) return { page: response.body, at: next };
    const location = new URL(response.headers.location as string, next);
    if (stop(location)) return { url: location };
    next = location.href;
  }
  throw new Error('too many redirects');
}

/** At the provider: sign in as alice and approve; the callback URL the provider sends back. */
async function authorize(
  http: Got,
  authorizationUrl: string,
  issuer: string,
  isCallback: (url: URL) => boolean,
): Promise<URL> {
  let step = await followUntil(http, authorizationUrl, isCallback);
  for (const form of [{ username: 'alice', password: 'wonderland' }, { decision: 'approve' }]) {
    if ('url' in step) return step.url;
    const action = actionOf(step.page);
    if (!action) throw new Error(`the provider showed a page with no form at ${step.at}:\n${step.page.slice(0, 600)}`);
    const answer = await http.post(new URL(action, issuer).href, { form, headers: { origin: issuer } });
    const location = new URL(answer.headers.location as string, issuer);
    step = isCallback(location) ? { url: location } : await followUntil(http, location.href, isCallback);
  }
  if ('url' in step) return step.url;
  throw new Error(`the provider never sent the browser back; it showed ${step.at}:\n${step.page.slice(0, 600)}`);
}

/** One full connect through the integration; the browser's cookies, signed in and connected. */
export async function connectThroughIntegration(
  integrationUrl: string,
  issuer: string,
  user: string,
): Promise<CookieJar> {
  const jar = new CookieJar();
  const http = browser(jar);
  const origin = new URL(integrationUrl).origin;
  await http.post(`${integrationUrl}/session`, { form: { username: user }, headers: { origin } });
  const connect = await http.get(`${integrationUrl}/connect`);
  if (connect.statusCode !== 302 && connect.statusCode !== 303)
    throw new Error(`/connect answered ${connect.statusCode}: ${connect.body.slice(0, 300)}`);
  const callback = await authorize(
    http,
    connect.headers.location as string,
    issuer,
    (url) => url.pathname === '/callback' && url.origin === origin,
  );
  const landed = await http.get(callback.href);
  if (landed.statusCode !== 303)
    throw new Error(`the connect failed: ${landed.statusCode} ${landed.body.slice(0, 200)}`);
  return jar;
}

/**
 * The same provider steps without the integration: authorization
 * request, sign in, approve, token request; the access token.
 */
export async function connectDirectly(mock: {
  readonly issuer: string;
  readonly client: ClientRegistration;
}): Promise<string> {
  const http = browser();
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = mock.client.redirect_uris[0] as string;
  const url = new URL(`${mock.issuer}/auth`);
  const parameters = {
    response_type: 'code',
    client_id: mock.client.client_id,
    redirect_uri: redirectUri,
    scope: 'openid profile offline_access databases:read',
    state: randomBytes(32).toString('base64url'),
    nonce: randomBytes(32).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    prompt: 'consent',
  };
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  const callback = await authorize(http, url.href, mock.issuer, (location) => location.href.startsWith(redirectUri));
  const token = await got.post(`${mock.issuer}/token`, {
    username: mock.client.client_id,
    password: mock.client.client_secret,
    form: {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code'),
      redirect_uri: redirectUri,
      code_verifier: verifier,
    },
    throwHttpErrors: false,
    responseType: 'json',
  });
  if (token.statusCode !== 200) throw new Error(`the token request failed: ${token.statusCode}`);
  return (token.body as { access_token: string }).access_token;
}
