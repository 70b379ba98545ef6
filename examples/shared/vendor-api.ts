/**
 * The vendor's resource API, called as the user with the access token as a
 * Bearer token (RFC 6750), as `../openid-client/vendor-api.ts` does without
 * its FAPI 2.0 part: refreshed first when due, and once more after a 401
 * (contract 5.5); the vendor's refusals as the contract's codes (3.5, 5.6).
 * Each call waits at most PROVIDER_TIMEOUT_MS; a read is tried again after a
 * network error, 429, 502, 503 or 504.
 */
import { Problem } from '../openid-client/problems';
import { settings } from '../openid-client/settings';
import type { Connection } from '../openid-client/store';
import type { OAuthLibrary } from './library';
import { refresh, usableConnection } from './tokens';

function resourceUrl(path: string, query?: URLSearchParams): string {
  const url = new URL(settings.apiBaseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  if (query) url.search = query.toString();
  return url.href;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  const read = (init.method ?? 'GET') === 'GET';
  for (let attempt = 1; ; attempt += 1) {
    const signal = AbortSignal.timeout(settings.providerTimeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal });
    } catch {
      if (read && (signal.aborted ? attempt < 2 : attempt < 3)) continue;
      throw new Problem('provider_unavailable', 'the vendor API could not be reached in time');
    }
    const retryAfter = Number(response.headers.get('retry-after') ?? 0);
    if (!read || ![429, 502, 503, 504].includes(response.status) || attempt >= 3 || !(retryAfter <= 10))
      return response;
    await new Promise((resolve) => setTimeout(resolve, retryAfter > 0 ? retryAfter * 1000 : 50 * attempt));
  }
}

export async function vendorRequest(
  library: OAuthLibrary,
  userId: string,
  path: string,
  options: { query?: URLSearchParams; write?: { body: unknown } } = {},
): Promise<Record<string, unknown>> {
  const { query, write } = options;
  const call = ({ accessToken }: Connection) =>
    send(resourceUrl(path, query), {
      ...(write ? { method: 'POST', body: JSON.stringify(write.body) } : {}),
      headers: { authorization: `Bearer ${accessToken}`, ...(write ? { 'content-type': 'application/json' } : {}) },
    });
  const connection = await usableConnection(library, userId);
  let response = await call(connection);
  if (response.status === 401) response = await call(await refresh(library, userId, connection));
  if (response.status === 403) {
    const scope = /scope="([^"]*)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1];
    throw new Problem('insufficient_scope', 'the connection was not granted this access', scope ? { scope } : {});
  }
  if (response.status === 400)
    throw write
      ? new Problem('invalid_row', 'the vendor refused the row')
      : new Problem('malformed_request', 'the vendor refused the request as malformed');
  // The databases list exists for every account: its 404 says the API is not at API_BASE_URL (contract 3.5).
  if (response.status === 404 && path === '/databases')
    throw new Problem('vendor_api_not_found', 'the vendor API answered 404 for the databases list: check API_BASE_URL');
  if (response.status === 404) throw new Problem('not_found', 'the vendor has no such database or table');
  if (response.status === 429 || response.status >= 500) {
    throw new Problem('provider_unavailable', `the vendor API answered ${response.status}`, {
      retryAfter: response.headers.get('retry-after') ?? undefined,
    });
  }
  const ok = response.status === 200 || (write !== undefined && response.status === 201);
  const body: unknown = ok ? await response.json().catch(() => undefined) : undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Problem('provider_error', `the vendor API answered ${response.status}`);
  return body as Record<string, unknown>;
}
