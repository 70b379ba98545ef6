/**
 * The mock's userinfo endpoint (OIDC Core 5.3), for the tokens
 * oidc-provider's own refuses. oidc-provider takes only an access token with
 * no audience there; the tokens the integration holds are the resource API's
 * (their audience, RFC 8707), and carry `openid` too. A provider such as
 * Auth0 names its userinfo as a second audience of such a token and answers
 * it; oidc-provider allows one audience per token, so the mock answers the
 * API's tokens at userinfo itself, and leaves every other request (a token
 * with no audience, an unknown one, none at all) to oidc-provider
 * (contract 10.1).
 *
 * It checks what oidc-provider's userinfo checks: a live access token of the
 * registered client, bound to its DPoP key when it is (the proof checked as
 * the resource API checks it, RFC 9449 7), granted `openid`; it answers `sub`
 * and the claims of the token's OpenID scopes (OIDC Core 5.4). The mode
 * `userinfoSubject: "another-account"` makes every userinfo answer, its own
 * and oidc-provider's, name the other demo account's `sub` (a provider's
 * mix-up, which a client must refuse: OIDC Core 5.3.4).
 */
import type { Context, Middleware } from 'koa';
import type { Provider } from 'oidc-provider';

import { demoAccounts, scopeClaims, subjectOf } from './accounts';
import type { UserinfoSubject } from './controls';
import type { DpopProofs } from './dpop-proofs';
import { endpointIn } from './endpoints';

interface UserinfoOptions {
  /** The registered client: the only one whose tokens are taken. */
  readonly clientId: string;
  /** The resource API's identifier: the audience of the tokens answered here. */
  readonly audience: string;
  /** The mock's issuer: the origin of the URL a DPoP proof's `htu` must name. */
  readonly issuer: string;
  readonly proofs: DpopProofs;
  /** Whether a DPoP nonce is demanded (RFC 9449 9). */
  readonly dpopNonces: () => boolean;
  readonly subject: () => UserinfoSubject;
}

/** RFC 6750 3 (RFC 9449 7.1 for DPoP): the challenge and the JSON error. */
function refuse(ctx: Context, status: 401 | 403, error: string, description: string, scheme: 'Bearer' | 'DPoP'): void {
  ctx.set(
    'www-authenticate',
    `${scheme} realm="mock-mysql-cloud", error="${error}", error_description="${description}"`,
  );
  ctx.set('cache-control', 'no-store');
  ctx.status = status;
  ctx.body = { error, error_description: description };
}

/** The userinfo answers of the API's tokens, and the `userinfoSubject` mode over every userinfo answer. */
export function userinfo(provider: Provider, options: UserinfoOptions): Middleware {
  return async (ctx, next) => {
    if (endpointIn(ctx) !== 'userinfo') {
      await next();
      return;
    }
    await answer(provider, options, ctx, next);
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.status === 200 && options.subject() === 'another-account' && typeof body?.sub === 'string') {
      const other = demoAccounts.map((account) => subjectOf(account.username)).find((sub) => sub !== body.sub);
      ctx.body = { ...body, sub: other };
    }
  };
}

async function answer(provider: Provider, options: UserinfoOptions, ctx: Context, next: () => Promise<unknown>) {
  const match = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('authorization'));
  const token = match?.[2] && (ctx.method === 'GET' || ctx.method === 'POST') ? match[2] : undefined;
  const accessToken = token ? await provider.AccessToken.find(token) : undefined;
  const audiences = accessToken ? (Array.isArray(accessToken.aud) ? accessToken.aud : [accessToken.aud]) : [];
  if (!match || !token || !accessToken || !audiences.includes(options.audience)) return next();
  const scheme = match[1] === 'DPoP' ? 'DPoP' : 'Bearer';
  if (accessToken.isExpired || accessToken.clientId !== options.clientId) {
    refuse(ctx, 401, 'invalid_token', 'the access token is invalid, expired or revoked', scheme);
    return;
  }
  const jkt = (accessToken as { jkt?: string }).jkt;
  if (jkt !== undefined || scheme === 'DPoP') {
    if (jkt === undefined || scheme !== 'DPoP') {
      const why = jkt ? 'the access token is DPoP-bound: present it as DPoP' : 'the access token is not DPoP-bound';
      refuse(ctx, 401, 'invalid_token', why, 'DPoP');
      return;
    }
    const checked = await options.proofs.check({
      proof: ctx.get('dpop') || undefined,
      method: ctx.method,
      url: `${options.issuer}${ctx.path}`,
      accessToken: token,
      jkt,
      nonceRequired: options.dpopNonces(),
    });
    if (!checked.ok) {
      if (options.dpopNonces()) ctx.set('dpop-nonce', options.proofs.nonce);
      refuse(ctx, 401, checked.error, checked.description, 'DPoP');
      return;
    }
  }
  if (!accessToken.scopes.has('openid')) {
    refuse(ctx, 403, 'insufficient_scope', 'access token missing openid scope', scheme);
    return;
  }
  const account = demoAccounts.find((candidate) => subjectOf(candidate.username) === accessToken.accountId);
  if (!account) {
    refuse(ctx, 401, 'invalid_token', 'the account no longer exists', scheme);
    return;
  }
  const released = [...accessToken.scopes].flatMap((scope) => scopeClaims[scope] ?? []);
  ctx.set('cache-control', 'no-store');
  ctx.body = {
    sub: subjectOf(account.username),
    ...Object.fromEntries(Object.entries(account.claims).filter(([claim]) => released.includes(claim))),
  };
}
