/**
 * A production-shaped identity (`IDENTITY=trusted-header`): the host
 * product's proxy authenticates the user and puts their id in a request
 * header (`IDENTITY_HEADER`, e.g. `X-Forwarded-User`). The integration
 * believes that header and nothing else about who the user is, so it must
 * only be reachable through that proxy, and the proxy must drop the header
 * from what clients send.
 *
 * A pending authorization is then bound to the user rather than to one
 * browser: its session id is derived from the user id.
 */
import { createHash } from 'node:crypto';
import type { IntegrationContext } from '../http/integration-state';
import type { CurrentUser, Identity } from './identity';

/** A user id as the store keeps it: 1 to 64 visible ASCII characters. */
const userId = /^[\x21-\x7e]{1,64}$/;

export class TrustedHeaderIdentity implements Identity {
  readonly kind = 'trusted-header';

  constructor(private readonly header: string) {}

  async currentUser(ctx: IntegrationContext): Promise<CurrentUser | undefined> {
    const id = this.rateLimitKey(ctx);
    return id === undefined
      ? undefined
      : { id, sessionId: createHash('sha256').update(`trusted-header:${id}`).digest('base64url') };
  }

  rateLimitKey(ctx: IntegrationContext): string | undefined {
    const value = ctx.get(this.header);
    return userId.test(value) ? value : undefined;
  }
}
