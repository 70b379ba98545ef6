/**
 * What a person does, as tasks the steps hand off to: sign in to the
 * integration, start connecting, go through the provider's pages, deliver the
 * callback, call the API. Only the routes of the contract are used
 * (docs/decisions.md, `harness-routes-only` and `harness-test-sign-in`), so
 * the same tasks drive any integration.
 */
import { strict as assert } from 'node:assert';

import { demoAccounts } from '../../mock-provider/accounts';
import { isSeeOther } from './expected-status';
import { formWith, type HtmlForm } from './html-forms';
import type { IssuedTokens, Person } from './people';
import type { RecordedRequest } from './provider-driver';
import { callbackScene } from './scenes/callback';
import { type HttpResponse, UserAgent } from './user-agent';
import type { ConformanceWorld } from './world';

export type Decision = 'approve' | 'deny';

/** The test sign-in (contract 3.2): `POST /session` with the person's username, from the integration's own origin. */
export async function signIn(world: ConformanceWorld, person: Person): Promise<void> {
  person.response = await person.agent.post(world.url('/session'), { username: person.username });
  world.lastAnswer = person.response;
  assert.equal(
    person.response.statusCode,
    303,
    `sign-in of ${person.name}: ${person.response.statusCode} ${person.response.body.slice(0, 300)}`,
  );
  person.signedIn = true;
}

/** `GET /connect`; on a redirect to the provider, remember where it points. */
export async function startConnecting(
  world: ConformanceWorld,
  person: Person,
  returnTo?: string,
): Promise<HttpResponse> {
  const query = returnTo === undefined ? '' : `?return_to=${encodeURIComponent(returnTo)}`;
  person.response = await person.agent.get(world.url(`/connect${query}`));
  world.lastAnswer = person.response;
  if ([302, 303].includes(person.response.statusCode)) person.authorizationUrl = UserAgent.location(person.response);
  return person.response;
}

/** Whether a URL is the integration's callback (the path of its registered redirect URI). */
function isCallback(world: ConformanceWorld, url: URL): boolean {
  const registered = new URL(
    world.integrationUrl ? new URL('/callback', world.integrationUrl).href : world.sut.settings.redirectUri,
  );
  return url.origin === registered.origin && url.pathname === registered.pathname;
}

/**
 * Visit the authorization URL and go through the provider's pages: sign in
 * as `account` (unless already signed in there), then approve or deny.
 * Stops when the provider sends the browser back to the callback, and
 * returns that URL without delivering it ('' when a wrong password kept the
 * person at the provider's sign-in form).
 */
export async function authorizeAtProvider(
  world: ConformanceWorld,
  person: Person,
  account: string,
  decision: Decision = 'approve',
  password?: string,
): Promise<string> {
  if (!person.authorizationUrl) throw new Error(`${person.name} has not started connecting`);
  const stop = (url: URL) => isCallback(world, url);
  let step: HttpResponse | URL = await person.agent.followRedirects(
    await person.agent.get(person.authorizationUrl),
    stop,
  );
  for (let page = 0; page < 4 && !(step instanceof URL); page += 1) {
    person.providerPage = step;
    const body = step.body;
    let form: HtmlForm;
    let submission: Record<string, string>;
    if (/name="password"/.test(body)) {
      form = formWith(body, step.url, 'password');
      const known = demoAccounts.find((candidate) => candidate.username === account);
      submission = { username: account, password: password ?? known?.password ?? '' };
    } else if (/name="decision"/.test(body)) {
      form = formWith(body, step.url, 'decision');
      submission = { decision };
    } else {
      throw new Error(`unexpected provider page (${step.statusCode}):\n${body.slice(0, 1500)}`);
    }
    const answer = await person.agent.post(form.action, { ...Object.fromEntries(form.fields), ...submission });
    if (answer.statusCode === 401 && password !== undefined) {
      person.providerPage = answer;
      return '';
    }
    step = await person.agent.followRedirects(answer, stop);
  }
  if (!(step instanceof URL)) throw new Error('the provider never sent the browser back');
  person.callbackUrl = step.href;
  return step.href;
}

/** The browser arrives at the callback URL; how many token requests the provider had seen before is remembered. */
export async function deliverCallback(world: ConformanceWorld, person: Person, url: string): Promise<HttpResponse> {
  callbackScene(world).tokenRequestsBeforeDelivery = (await world.provider.requests('token')).length;
  person.response = await person.agent.get(url);
  world.lastAnswer = person.response;
  return person.response;
}

/** A GET of the integration's API (or any page) as the person, asking for JSON. */
export async function callApi(world: ConformanceWorld, person: Person, path: string): Promise<HttpResponse> {
  person.response = await person.agent.get(world.url(path), { accept: 'application/json' });
  world.lastAnswer = person.response;
  return person.response;
}

/** The connection as `GET /api/connection` shows it to the person (the contract's JSON). */
export interface ConnectionView {
  readonly status: 'connected' | 'not_connected' | 'reauth_required';
  readonly reason?: string;
  readonly scopes: readonly string[];
  readonly expires_at: string | null;
  readonly account: {
    readonly issuer: string;
    readonly subject: string;
    readonly name: string | null;
    readonly email: string | null;
  } | null;
}

export async function connectionView(world: ConformanceWorld, person: Person): Promise<ConnectionView> {
  const answer = await person.agent.get(world.url('/api/connection'), { accept: 'application/json' });
  assert.equal(
    answer.statusCode,
    200,
    `GET /api/connection for ${person.name}: ${answer.statusCode} ${answer.body.slice(0, 300)}`,
  );
  return JSON.parse(answer.body) as ConnectionView;
}

const isJwt = (token: string) => /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(token);

/** The tokens the provider issued in the last successful token response of a grant type. */
export async function lastIssued(
  world: ConformanceWorld,
  grantType: 'authorization_code' | 'refresh_token',
): Promise<IssuedTokens | undefined> {
  const answered = (await world.provider.requests('token')).filter(
    (request) => request.params.grant_type === grantType && request.status === 200,
  );
  const issued = answered.at(-1)?.issuedTokens;
  if (!issued?.[0]) return undefined;
  const [accessToken, ...rest] = issued;
  return { accessToken, refreshToken: rest.find((token) => !isJwt(token)) };
}

/**
 * The revocation requests of this scenario: those of tokens the provider
 * issued in it. A remote integration keeps its queue of revocations between
 * scenarios, and may retry an earlier scenario's while this one runs.
 */
export async function revocationsOfThisScenario(world: ConformanceWorld): Promise<RecordedRequest[]> {
  const requests = await world.provider.requests();
  const issued = new Set(
    requests.filter((request) => request.endpoint === 'token').flatMap((request) => request.issuedTokens),
  );
  return requests.filter((request) => request.endpoint === 'revocation' && issued.has(String(request.params.token)));
}

/**
 * The person's browser forgets its sign-in at the provider (oidc-provider's
 * session cookies), so the next authorization asks who signs in.
 */
export async function signOutAtProvider(world: ConformanceWorld, person: Person): Promise<void> {
  const issuer = world.provider.issuer;
  for (const cookie of await person.agent.jar.getCookies(issuer)) {
    if (cookie.key.startsWith('_session'))
      await person.agent.jar.setCookie(`${cookie.key}=; Path=${cookie.path ?? '/'}; Max-Age=0`, issuer);
  }
}

/** The whole flow: sign in (if needed), connect, approve as `account`, deliver the callback. */
export async function connect(world: ConformanceWorld, person: Person, account: string): Promise<HttpResponse> {
  if (!person.signedIn) await signIn(world, person);
  // Refused here, the flow stops here (an earlier attempt's authorization URL is not visited again).
  const started = await startConnecting(world, person);
  assert.ok(
    [302, 303].includes(started.statusCode),
    `${person.name} was sent to the provider: ${started.statusCode} ${started.body.slice(0, 300)}`,
  );
  const response = await deliverCallback(world, person, await authorizeAtProvider(world, person, account));
  if (isSeeOther(response.statusCode)) await rememberConnection(world, person, account);
  return response;
}

/** After a successful callback: the account connected, and the tokens the provider issued for it. */
export async function rememberConnection(world: ConformanceWorld, person: Person, account: string): Promise<void> {
  person.account = account;
  person.issuedAtConnect = await lastIssued(world, 'authorization_code');
}
