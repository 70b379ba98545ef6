/**
 * The vendor's login and consent steps, in place of oidc-provider's
 * development-only interactions. Login: a username and password form; a
 * wrong password shows the form again with an error. Consent: the scopes
 * asked for, in words, with Approve and Decline; Decline (`decision=deny`)
 * sends `access_denied` back to the client (RFC 6749 4.1.2.1), and changes
 * nothing the account granted before: a declined request for more scopes
 * leaves the earlier grant and its tokens as they were. With separate grants, each Approve makes a new grant.
 * Neither page can be framed (`frame-ancestors 'none'`, X-Frame-Options), so
 * no other site can overlay them to trick a click on Approve.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Interaction, InteractionResults, Provider } from 'oidc-provider';

import { authenticate, subjectOf } from './accounts';
import { consentPage, loginPage } from './pages';

interface Form {
  username?: unknown;
  password?: unknown;
  decision?: unknown;
}

/**
 * The scopes the account already granted this client: those of the grant this interaction continues
 * (oidc-provider's own mode), else of the grant its last consent made in this browser session (separate
 * grants: each consent makes a new one), while that grant stands. oidc-provider's consent prompt names
 * only what is missing from the interaction's grant (`missingOIDCScope`), which with separate grants is
 * everything.
 */
async function grantedScopes(provider: Provider, details: Interaction, clientId: string): Promise<string[]> {
  const session =
    details.session?.cookie === undefined ? undefined : await provider.Session.find(details.session.cookie);
  const grantId = details.grantId ?? session?.grantIdFor(clientId);
  const grant = grantId === undefined ? undefined : await provider.Grant.find(grantId);
  if (!grant || grant.accountId !== details.session?.accountId || grant.clientId !== clientId) return [];
  return (grant.getOIDCScope() ?? '').split(' ').filter(Boolean);
}

export function interactionRoutes(provider: Provider, options: { separateGrants: () => boolean }): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const parseForm = bodyParser({ enableTypes: ['form'], formLimit: '16kb' });

  router.use(async (ctx, next) => {
    ctx.set('cache-control', 'no-store');
    ctx.set('content-security-policy', "frame-ancestors 'none'");
    ctx.set('x-frame-options', 'DENY');
    await next();
  });

  router.get('/', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { uid, prompt, params } = details;
    const client = await provider.Client.find(String(params.client_id));
    const clientName = client?.clientName ?? String(params.client_id);
    ctx.type = 'html';
    if (prompt.name === 'login') {
      ctx.body = loginPage({ action: `/interaction/${uid}/login`, clientName });
      return;
    }
    ctx.body = consentPage({
      action: `/interaction/${uid}/confirm`,
      clientName,
      scopes: typeof params.scope === 'string' ? params.scope.split(' ').filter(Boolean) : [],
      granted: await grantedScopes(provider, details, String(params.client_id)),
    });
  });

  router.post('/login', parseForm, async (ctx) => {
    const { uid, prompt, params } = await provider.interactionDetails(ctx.req, ctx.res);
    if (prompt.name !== 'login') return ctx.throw(400, 'not a login step');
    const form = ctx.request.body as Form;
    const account = authenticate(form.username, form.password);
    if (!account) {
      const client = await provider.Client.find(String(params.client_id));
      ctx.status = 401;
      ctx.type = 'html';
      ctx.body = loginPage({
        action: `/interaction/${uid}/login`,
        clientName: client?.clientName ?? String(params.client_id),
        username: typeof form.username === 'string' ? form.username : '',
        error: 'Wrong username or password.',
      });
      return;
    }
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: subjectOf(account.username) } },
      {
        mergeWithLastSubmission: false,
      },
    );
  });

  router.post('/confirm', parseForm, async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    if (prompt.name !== 'consent' || !session) return ctx.throw(400, 'not a consent step');
    const form = ctx.request.body as Form;
    if (form.decision !== 'approve') {
      const denied: InteractionResults = { error: 'access_denied', error_description: 'The user denied the request' };
      await provider.interactionFinished(ctx.req, ctx.res, denied, { mergeWithLastSubmission: false });
      return;
    }

    const grant =
      details.grantId && !options.separateGrants()
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    if (!grant) return ctx.throw(400, 'grant not found');
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });

  return router;
}
