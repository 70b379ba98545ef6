/**
 * Headers on every response: a Content-Security-Policy that allows nothing
 * inline and nothing from elsewhere, no MIME sniffing, no framing, and no
 * Referer leaving the site (the callback sends none at all, so its code never
 * leaks). Responses are never cached by default: most of
 * them carry session or token-related data.
 */
import type { IntegrationMiddleware } from './integration-state';

export function securityHeaders(): IntegrationMiddleware {
  return async (ctx, next) => {
    ctx.set(
      'content-security-policy',
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('x-frame-options', 'DENY');
    ctx.set('referrer-policy', 'same-origin');
    ctx.set('cache-control', 'no-store');
    // Served over https (directly, or through a trusted TLS-terminating proxy): stay on https.
    if (ctx.secure) ctx.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
    await next();
  };
}
