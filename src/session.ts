/**
 * The integration's own sign-in (demo): a random session id in a signed,
 * HttpOnly, SameSite=Lax cookie; the session itself lives in the store, so
 * signing out kills it everywhere.
 */
import type { Context } from 'koa';
import { randomBytes } from 'node:crypto';
import { IntegrationError } from './errors';
import type { Session, Store } from './store/store';

export const sessionCookie = 'session';
export const sessionLifetimeMs = 8 * 3600 * 1000;

/** The session id of the request's cookie, its signature checked once per request. */
export function sessionIdOf(ctx: Context): string | undefined {
  const state = ctx.state as { sessionId?: string | null };
  if (state.sessionId === undefined) state.sessionId = ctx.cookies.get(sessionCookie, { signed: true }) ?? null;
  return state.sessionId ?? undefined;
}

export async function currentSession(ctx: Context, store: Store): Promise<Session | undefined> {
  const id = sessionIdOf(ctx);
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
  return store.findSession(id);
}

export async function requireSession(ctx: Context, store: Store): Promise<Session> {
  const session = await currentSession(ctx, store);
  if (!session) throw new IntegrationError('session_required', 'you are not signed in');
  return session;
}

export async function startSession(ctx: Context, store: Store, userId: string, now: number): Promise<Session> {
  const session: Session = { id: randomBytes(32).toString('base64url'), userId, createdAt: now, expiresAt: now + sessionLifetimeMs };
  await store.createSession(session);
  ctx.cookies.set(sessionCookie, session.id, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    // Secure whenever the request came over https: directly, or through a proxy trusted by TRUST_PROXY.
    secure: ctx.secure,
    path: '/',
    maxAge: sessionLifetimeMs,
  });
  return session;
}
