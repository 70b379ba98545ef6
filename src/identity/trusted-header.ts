/**
 * A production-shaped identity (`IDENTITY=trusted-header`): the host
 * product's proxy authenticates the user and puts their id in a request
 * header (`IDENTITY_HEADER`, e.g. `X-Forwarded-User`). The integration
 * believes that header only on a connection from one of the proxies
 * (`TRUSTED_PROXY_ADDRESSES`, judged by the socket's own peer address, never
 * by `X-Forwarded-For`, which a client writes); the header from anywhere else
 * is refused with `untrusted_identity_header` (contract 4.2). The proxy must
 * still drop the header from what clients send it.
 *
 * A pending authorization is then bound to the user rather than to one
 * browser: its session id is derived from the user id. The rate limits
 * count such a request per user, not per proxy address (contract 7).
 */
import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

import { IntegrationError } from '../errors';
import type { IntegrationContext } from '../http/integration-state';
import type { CurrentUser, Identity } from './identity';

/** A user id as the store keeps it: 1 to 64 visible ASCII characters. */
const userId = /^[\x21-\x7e]{1,64}$/;

/** The proxies' addresses: each an IP address, or a range in CIDR notation (`10.0.0.0/24`). */
export type ProxyAddresses = readonly string[];

const addressesProblem =
  'TRUSTED_PROXY_ADDRESSES must be comma-separated IP addresses or CIDR ranges of your proxy, such as 10.0.0.5 or 10.0.0.0/24.';

/** Parse `TRUSTED_PROXY_ADDRESSES`; a sentence saying what is wrong when it is invalid. */
export function parseProxyAddresses(value: string): ProxyAddresses | string {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return addressesProblem;
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || rest.length > 0) return addressesProblem;
  }
  return entries;
}

/** The socket's peer address, an IPv4-mapped IPv6 address (`::ffff:10.0.0.5`) as the IPv4 one. */
function peerAddress(ctx: IntegrationContext): string | undefined {
  const address = ctx.req.socket.remoteAddress;
  return address?.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export class TrustedHeaderIdentity implements Identity {
  readonly kind = 'trusted-header';
  private readonly proxies = new BlockList();

  constructor(
    private readonly header: string,
    proxyAddresses: ProxyAddresses,
  ) {
    for (const entry of proxyAddresses) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.proxies.addAddress(address, type);
      else this.proxies.addSubnet(address, Number(prefix), type);
    }
  }

  async currentUser(ctx: IntegrationContext): Promise<CurrentUser | undefined> {
    const id = this.rateLimitKey(ctx);
    return id === undefined
      ? undefined
      : { id, sessionId: createHash('sha256').update(`trusted-header:${id}`).digest('base64url') };
  }

  /** The user the proxy names; `untrusted_identity_header` when anyone but a proxy sends the header. */
  rateLimitKey(ctx: IntegrationContext): string | undefined {
    const value = ctx.get(this.header);
    if (value === '') return undefined;
    if (!this.fromProxy(ctx)) {
      throw new IntegrationError(
        'untrusted_identity_header',
        `the ${this.header} header came from an address that is not in TRUSTED_PROXY_ADDRESSES`,
      );
    }
    return userId.test(value) ? value : undefined;
  }

  /** Behind the proxy every user shares its address: the per-address limits count each user apart. */
  rateLimitClient(ctx: IntegrationContext): string | undefined {
    const id = this.rateLimitKey(ctx);
    return id === undefined ? undefined : `user:${id}`;
  }

  private fromProxy(ctx: IntegrationContext): boolean {
    const address = peerAddress(ctx);
    if (address === undefined) return false;
    const family = isIP(address);
    return family !== 0 && this.proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}
