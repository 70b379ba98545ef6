/**
 * The vendor's resource API, called as the user (RFC 6750): the access token
 * refreshed first when due, and once more after a 401. Callers get the
 * vendor's JSON, never the token.
 */
import { Problem } from './problems';
import { providerFetch } from './provider';
import { settings } from './settings';
import { refresh, usableConnection } from './tokens';

export async function vendorGet(userId: string, path: string): Promise<Record<string, unknown>> {
  const send = (token: string) => providerFetch(new URL(path, settings.apiBaseUrl).href, { headers: { authorization: `Bearer ${token}` } });
  const connection = await usableConnection(userId);
  let response = await send(connection.accessToken);
  if (response.status === 401) response = await send((await refresh(userId, connection)).accessToken);
  if (response.status === 403) throw new Problem('insufficient_scope', 'the connection may not read databases');
  if (response.status === 404) throw new Problem('not_found', 'the vendor has no such database');
  if (response.status === 429 || response.status >= 500) {
    throw new Problem('provider_unavailable', `the vendor API answered ${response.status}`, { retryAfter: response.headers.get('retry-after') ?? undefined });
  }
  const body: unknown = response.status === 200 ? await response.json().catch(() => undefined) : undefined;
  if (typeof body !== 'object' || body === null) throw new Problem('provider_error', `the vendor API answered ${response.status}`);
  return body as Record<string, unknown>;
}
