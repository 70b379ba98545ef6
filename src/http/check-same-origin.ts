/**
 * Cross-site request refusal for state-changing routes. A browser marks
 * every POST with `Sec-Fetch-Site` (modern ones) and `Origin`; either one
 * saying the request came from another site, or from an opaque origin
 * (`Origin: null`, e.g. a sandboxed frame), means another site's page forged it.
 * Our pages send `Referrer-Policy: same-origin`, so our own forms carry our
 * real origin.
 */
import type { Context } from 'koa';

import { IntegrationError } from '../errors';

export function checkSameOrigin(ctx: Context, origin: string): void {
  const fetchSite = ctx.get('sec-fetch-site');
  const requestOrigin = ctx.get('origin');
  const crossSite =
    (fetchSite !== '' && fetchSite !== 'same-origin' && fetchSite !== 'none') ||
    (requestOrigin !== '' && requestOrigin !== origin);
  if (crossSite) throw new IntegrationError('cross_site_request', 'this request came from another site');
}
