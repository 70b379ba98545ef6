/**
 * Cross-site request refusal for state-changing routes: a browser sends
 * `Origin` (and `Sec-Fetch-Site`) with every POST; either one naming another
 * site means the request was forged by another site's page.
 */
import type { Context } from 'koa';
import { IntegrationError } from '../errors';

export function checkSameOrigin(ctx: Context, origin: string): void {
  const requestOrigin = ctx.get('origin');
  const fetchSite = ctx.get('sec-fetch-site');
  if ((requestOrigin && requestOrigin !== origin) || fetchSite === 'cross-site' || fetchSite === 'same-site') {
    throw new IntegrationError('cross_site_request', 'this request came from another site');
  }
}
