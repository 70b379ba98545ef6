/**
 * The demo identity's own routes, mounted only with `IDENTITY=demo`.
 * `POST /session`: sign in with any well-formed username; refused from
 * another site; a new session replaces any old one.
 * `POST /session/end`: sign out; refused from another site.
 */
import { IntegrationError } from '../errors';
import { bodyParser } from '../http/body-parser';
import { checkSameOrigin } from '../http/check-same-origin';
import type { IntegrationMiddleware } from '../http/integration-state';
import { type DemoSignIn, demoUsername } from '../identity/demo-sign-in';

export interface SessionDependencies {
  readonly demo: Pick<DemoSignIn, 'signIn' | 'signOut'>;
  /** The integration's own origin: the form must come from it. */
  readonly origin: string;
}

export function signIn(deps: SessionDependencies): IntegrationMiddleware[] {
  return [
    async (ctx, next) => {
      checkSameOrigin(ctx, deps.origin);
      await next();
    },
    bodyParser({ enableTypes: ['form', 'json'], formLimit: '4kb', jsonLimit: '4kb' }),
    async (ctx) => {
      const body = ctx.request.body as { username?: unknown } | undefined;
      const name = body?.username;
      if (typeof name !== 'string' || !demoUsername.test(name)) {
        throw new IntegrationError(
          'invalid_username',
          'the "username" field must be 1 to 64 letters, digits, ".", "-" or "_"',
        );
      }
      await deps.demo.signIn(ctx, name);
      ctx.status = 303;
      ctx.redirect('/');
    },
  ];
}

export function signOut(deps: SessionDependencies): IntegrationMiddleware {
  return async (ctx) => {
    checkSameOrigin(ctx, deps.origin);
    await deps.demo.signOut(ctx);
    ctx.status = 303;
    ctx.redirect('/');
  };
}
