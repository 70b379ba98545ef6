/**
 * The provider profile's World and hooks: one run checks one provider. Its
 * settings are read, its metadata fetched and the redirect listener started
 * once before the first scenario; each scenario gets a fresh World (its own
 * authorization, tokens and DPoP key); after the last one the report is
 * written (provider-report.ts). The profile runs serially: the facts of every
 * scenario go into one report.
 */
import type { IWorldOptions } from '@cucumber/cucumber';
import { After, AfterAll, BeforeAll, setDefaultTimeout, setWorldConstructor, Status, World } from '@cucumber/cucumber';
import type { JWTPayload } from 'jose';

import { type AuthorizationOutcome, authorizeThroughPages, closeBrowser, sharedBrowser } from './login-driver';
import { type Answer, DpopKey, type Metadata, ProviderClient, randomToken, s256 } from './provider-client';
import { reportScenario, writeProviderReport } from './provider-report';
import { RedirectListener } from './redirect-listener';
import { providerSettings } from './settings';

setDefaultTimeout(30_000);

interface Shared {
  client: ProviderClient;
  listener: RedirectListener;
  discovery: { status: number; url: string };
}
let shared: Shared | undefined;

// A minute for the start: discovery, and Chromium's launch with PROVIDER_LOGIN=browser (seconds on a busy machine).
BeforeAll({ timeout: 60_000 }, async function () {
  const settings = providerSettings();
  if (settings.login === 'browser') await sharedBrowser();
  const { answer, url } = await ProviderClient.discover(settings);
  const listener = await RedirectListener.start(settings.redirectUri);
  shared = {
    client: new ProviderClient(settings, answer.json ?? {}),
    listener,
    discovery: { status: answer.status, url },
  };
});

AfterAll(async function () {
  await closeBrowser();
  if (!shared) return;
  await shared.listener.close();
  process.stdout.write(`\nProvider report: ${writeProviderReport(shared.client.settings.issuer)}\n`);
});

export interface AuthorizationRequest {
  readonly pkce: 'S256' | 'plain' | 'none';
  readonly redirectUri?: string;
  readonly state?: string;
  readonly pushed?: boolean;
  /** The scope to ask for (default: the client's, `ProviderClient.scope`). */
  readonly scope?: string;
}

export interface Authorization {
  readonly request: AuthorizationRequest;
  readonly redirectUri: string;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
  readonly outcome: AuthorizationOutcome;
  /** The authorization response's parameters, when it came back to the redirect URI asked for. */
  readonly response?: URLSearchParams;
}

export interface Tokens {
  readonly answer: Answer;
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
}

export const tokensOf = (answer: Answer): Tokens => {
  const field = (name: string) => (typeof answer.json?.[name] === 'string' ? answer.json[name] : undefined);
  return {
    answer,
    accessToken: field('access_token'),
    refreshToken: field('refresh_token'),
    idToken: field('id_token'),
  };
};

export class ProviderWorld extends World {
  authorization: Authorization | undefined;
  tokens: Tokens | undefined;
  lastAnswer: Answer | undefined;
  skipReason: string | undefined;
  idTokenClaims: JWTPayload | undefined;
  dpop: DpopKey | undefined;

  constructor(options: IWorldOptions) {
    super(options);
  }

  get client(): ProviderClient {
    if (!shared) throw new Error('the provider profile did not start (see the first error)');
    return shared.client;
  }

  get discovery(): { status: number; url: string } {
    if (!shared) throw new Error('the provider profile did not start (see the first error)');
    return shared.discovery;
  }

  get metadata(): Metadata {
    return this.client.metadata;
  }

  /** Skips the rest of the scenario, with the reason in the log and the report. */
  skip(reason: string): 'skipped' {
    this.skipReason = reason;
    this.log(`skipped: ${reason}`);
    return 'skipped';
  }

  /** The test account takes an authorization request through the provider's pages. */
  async authorize(request: AuthorizationRequest): Promise<Authorization> {
    if (!shared) throw new Error('the provider profile did not start');
    const { client } = shared;
    const redirectUri = request.redirectUri ?? client.settings.redirectUri;
    const verifier = randomToken();
    const state = request.state ?? randomToken();
    const nonce = randomToken();
    const scope = request.scope ?? client.scope;
    const params: Record<string, string> = {
      response_type: 'code',
      redirect_uri: redirectUri,
      scope,
      state,
      nonce,
      // offline_access needs consent to be asked for (OIDC Core 11).
      ...(scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {}),
      ...(request.pkce === 'none'
        ? {}
        : { code_challenge: request.pkce === 'S256' ? s256(verifier) : verifier, code_challenge_method: request.pkce }),
    };
    let start: URL;
    if (request.pushed) {
      const pushed = await client.pushAuthorizationRequest(params);
      if (pushed.status !== 201 || typeof pushed.json?.request_uri !== 'string')
        throw new Error(
          `the pushed authorization request was answered ${pushed.status} ${String(pushed.json?.error)} ${typeof pushed.json?.error_description === 'string' ? pushed.json.error_description : ''}`,
        );
      start = client.authorizationUrl({ request_uri: pushed.json.request_uri });
    } else start = client.authorizationUrl(params);
    const outcome = await authorizeThroughPages(start, client.settings);
    const asked = new URL(redirectUri);
    const response =
      outcome.kind === 'redirect' && outcome.url.origin + outcome.url.pathname === asked.origin + asked.pathname
        ? outcome.url.searchParams
        : undefined;
    this.authorization = { request, redirectUri, verifier, state, nonce, outcome, ...(response ? { response } : {}) };
    return this.authorization;
  }

  /** The code of the last authorization; fails with what the provider did instead. */
  get code(): string {
    const code = this.authorization?.response?.get('code');
    if (!code) throw new Error(`no code came back: ${describeOutcome(this.authorization)}`);
    return code;
  }

  /** An authorization with S256 and its code redeemed: the tokens a connected client holds. */
  async connect(scope?: string): Promise<Tokens> {
    await this.authorize({ pkce: 'S256', ...(scope ? { scope } : {}) });
    const answer = await this.client.redeem(this.code, this.authorization?.verifier);
    if (answer.status !== 200)
      throw new Error(`the code exchange was answered ${answer.status} ${String(answer.json?.error)}`);
    this.tokens = tokensOf(answer);
    return this.tokens;
  }
}

/** What an authorization came to, in words a log may show (no code, no token). */
export function describeOutcome(authorization: Authorization | undefined): string {
  if (!authorization) return 'no authorization was made';
  const { outcome, response } = authorization;
  if (outcome.kind === 'page') return `the provider stopped on a page (${outcome.status}): ${outcome.excerpt}`;
  if (!response) return `the provider redirected to another address (${outcome.url.origin}${outcome.url.pathname})`;
  const error = response.get('error');
  return error ? `an error response: ${error} (${response.get('error_description') ?? ''})` : 'a code';
}

After(function (this: ProviderWorld, { pickle, result }) {
  reportScenario({
    name: pickle.name,
    tags: pickle.tags.map((tag) => tag.name),
    status: result?.status === Status.PASSED ? 'passed' : result?.status === Status.SKIPPED ? 'skipped' : 'failed',
    ...(this.skipReason
      ? { reason: this.skipReason }
      : result?.message
        ? { reason: result.message.split('\n')[0] ?? '' }
        : {}),
  });
});

setWorldConstructor(ProviderWorld);
