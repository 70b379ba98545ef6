/**
 * The vendor's resource API, called as the user (RFC 6750): the access token
 * refreshed first when due, and once more after a 401 (a refused token wrote
 * nothing, so a write may be sent again too). Callers get the vendor's JSON,
 * never the token; the vendor's refusals become the contract's codes.
 */
import * as client from 'openid-client';

import { dpopHandle } from './fapi2';
import { Problem } from './problems';
import { configuration, providerFetch } from './provider';
import { settings } from './settings';
import type { Connection } from './store';
import { refresh, usableConnection } from './tokens';

/** A path under the API's base URL, the base's own path kept (never resolved against the host's root). */
function resourceUrl(path: string, query?: URLSearchParams): string {
  const url = new URL(settings.apiBaseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  if (query) url.search = query.toString();
  return url.href;
}

export async function vendorRequest(
  userId: string,
  path: string,
  options: { query?: URLSearchParams; write?: { body: unknown } } = {},
): Promise<Record<string, unknown>> {
  const { query, write } = options;
  const send = async ({ accessToken, dpopKey }: Connection) => {
    const headers: Record<string, string> = write ? { 'content-type': 'application/json' } : {};
    const body = write ? JSON.stringify(write.body) : undefined;
    if (!dpopKey)
      return providerFetch(resourceUrl(path, query), {
        ...(write ? { method: 'POST', body } : {}),
        headers: { authorization: `Bearer ${accessToken}`, ...headers },
      });
    // Under FAPI 2.0: `Authorization: DPoP`, a proof of the connection's key with `ath`, one retry on use_dpop_nonce.
    const config = await configuration();
    return client
      .fetchProtectedResource(
        config,
        accessToken,
        new URL(resourceUrl(path, query)),
        write ? 'POST' : 'GET',
        body,
        new Headers(headers),
        {
          DPoP: dpopHandle(config, dpopKey),
        },
      )
      .catch((error: unknown) => {
        // A challenge in WWW-Authenticate (401, 403) is an answer like any other here.
        if (error instanceof client.WWWAuthenticateChallengeError) return error.response;
        // providerFetch's own refusal (the vendor did not answer in time), wrapped by openid-client.
        for (let cause: unknown = error; cause instanceof Error; cause = cause.cause)
          if (cause instanceof Problem) throw cause;
        throw error;
      });
  };
  const connection = await usableConnection(userId);
  let response = await send(connection);
  if (response.status === 401) response = await send(await refresh(userId, connection));
  if (response.status === 403) {
    // RFC 6750 3.1: the scope the request needs is named in the challenge.
    const scope = /scope="([^"]*)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1];
    throw new Problem('insufficient_scope', 'the connection was not granted this access', scope ? { scope } : {});
  }
  // A row the vendor's table cannot take is the row's fault (invalid_row); a page it refuses, the query's.
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
