/**
 * The demo identity (`IDENTITY=demo`): anyone who types a name is that
 * user. A random session id in a signed, HttpOnly, SameSite=Lax cookie; the
 * session itself lives in the store, so signing out kills it everywhere.
 * Over https the cookie is `__Host-session` (Secure, Path=/, no Domain: a
 * sibling subdomain or a plain-http page cannot set or shadow it).
 * Fine for the demo and the harness; a product supplies its own identity.
 */
import { randomBytes } from 'node:crypto';

import type { IntegrationContext } from '../http/integration-state';
import type { Session, Store } from '../store/store';
import type { CurrentUser, Identity } from './identity';

export const sessionCookie = 'session';

/** The session cookie's name for a request: with the `__Host-` prefix over https (RFC 6265bis 4.1.3.2). */
export function sessionCookieName(ctx: Pick<IntegrationContext, 'secure'>): string {
  return ctx.secure ? `__Host-${sessionCookie}` : sessionCookie;
}
export const sessionLifetimeMs = 8 * 3600 * 1000;

/** A username of the demo sign-in (the test sign-in of contract 3.2). */
export const demoUsername = /^[A-Za-z0-9._-]{1,64}$/;

export class DemoSignIn implements Identity {
  readonly kind = 'demo';

  constructor(
    private readonly sessions: Pick<Store, 'createSession' | 'findSession' | 'deleteSession'>,
    private readonly now: () => number,
  ) {}

  async currentUser(ctx: IntegrationContext): Promise<CurrentUser | undefined> {
    const session = await this.currentSession(ctx);
    return session && { id: session.userId, sessionId: session.id };
  }

  rateLimitKey(ctx: IntegrationContext): string | undefined {
    return sessionIdOf(ctx);
  }

  /** Sign `username` in: a new session replaces the request's old one. */
  async signIn(ctx: IntegrationContext, username: string): Promise<void> {
    await this.endSession(ctx);
    const now = this.now();
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      userId: username,
      createdAt: now,
      expiresAt: now + sessionLifetimeMs,
    };
    await this.sessions.createSession(session);
    ctx.cookies.set(sessionCookieName(ctx), session.id, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      // Secure whenever the request came over https: directly, or through a proxy trusted by TRUST_PROXY.
      secure: ctx.secure,
      path: '/',
      maxAge: sessionLifetimeMs,
    });
  }

  /**
   * End the request's session in the store (a copy of the cookie kept from before is dead too) and clear the cookie.
   */
  async signOut(ctx: IntegrationContext): Promise<void> {
    await this.endSession(ctx);
    ctx.cookies.set(sessionCookieName(ctx), null, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      path: '/',
    });
  }

  private async endSession(ctx: IntegrationContext): Promise<void> {
    const session = await this.currentSession(ctx);
    if (session) await this.sessions.deleteSession(session.id);
  }

  private async currentSession(ctx: IntegrationContext): Promise<Session | undefined> {
    const id = sessionIdOf(ctx);
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    return this.sessions.findSession(id);
  }
}

/** The session id of the request's cookie, its signature checked once per request. */
function sessionIdOf(ctx: IntegrationContext): string | undefined {
  if (ctx.state.sessionId === undefined)
    ctx.state.sessionId = ctx.cookies.get(sessionCookieName(ctx), { signed: true }) ?? null;
  return ctx.state.sessionId ?? undefined;
}
