/**
 * The seam where the host product's identity enters: who is making this
 * request. The integration keeps one connection per user id it is given
 * here, and binds each authorization request to the session named here, so
 * that its callback is accepted only in that session. It never decides who
 * a user is by itself.
 *
 * Two implementations, chosen by the required `IDENTITY` setting:
 * `demo` (./demo-sign-in.ts, anyone may sign in with any name: for the demo
 * and the harness only) and `trusted-header` (./trusted-header.ts, the user
 * id a trusted proxy of the host product puts in a request header).
 */
import { IntegrationError } from '../errors';
import type { IntegrationContext } from '../http/integration-state';

export interface CurrentUser {
  /** The host product's id of the user: their connection is stored under it. */
  readonly id: string;
  /** The session the user is in, 43 base64url characters: a pending authorization is bound to it. */
  readonly sessionId: string;
}

export interface Identity {
  /** `demo` offers its own sign-in page, `POST /session` and sign-out; a host product's identity does that itself. */
  readonly kind: 'demo' | 'trusted-header';
  /** The user of this request, or undefined when no one is signed in. */
  currentUser(ctx: IntegrationContext): Promise<CurrentUser | undefined>;
  /** What this request's per-session rate limits are counted by (read without I/O); undefined when there is no one. */
  rateLimitKey(ctx: IntegrationContext): string | undefined;
  /**
   * What this request's per-address rate limits are counted by instead of the
   * client address, when the identity knows better (behind one proxy, the user);
   * undefined: the client address.
   */
  rateLimitClient?(ctx: IntegrationContext): string | undefined;
}

/** The user of this request; `session_required` (401) when no one is signed in. */
export async function requireUser(identity: Identity, ctx: IntegrationContext): Promise<CurrentUser> {
  const user = await identity.currentUser(ctx);
  if (!user) throw new IntegrationError('session_required', 'you are not signed in');
  return user;
}
