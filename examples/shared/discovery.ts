/**
 * Discovery for the libraries that do none of their own (arctic,
 * simple-oauth2, client-oauth2 take the endpoints as given): the provider's
 * metadata read from `/.well-known/openid-configuration` (contract 2.1), kept
 * for an hour, a failure not kept. No check of what it says: those that
 * libraries with discovery make are theirs (contract 3.6, the discovery
 * feature).
 */
import { Problem } from '../openid-client/problems';
import { settings } from '../openid-client/settings';
import { providerProblem } from './refusals';

export interface ProviderMetadata {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly revocation_endpoint?: string;
  readonly jwks_uri?: string;
  readonly [name: string]: unknown;
}

let discovered: { metadata: Promise<ProviderMetadata>; at: number } | undefined;

async function discover(): Promise<ProviderMetadata> {
  const url = new URL('.well-known/openid-configuration', settings.issuer.href.replace(/\/?$/, '/'));
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(settings.providerTimeoutMs) });
  } catch {
    throw providerProblem('discovery', { unreachable: true });
  }
  const body: unknown = response.status === 200 ? await response.json().catch(() => undefined) : undefined;
  if (typeof body !== 'object' || body === null) throw providerProblem('discovery', { status: response.status });
  const metadata = body as ProviderMetadata;
  if (typeof metadata.authorization_endpoint !== 'string' || typeof metadata.token_endpoint !== 'string')
    throw new Problem('provider_error', 'the discovery document names no endpoints');
  return metadata;
}

export function providerMetadata(): Promise<ProviderMetadata> {
  if (!discovered || discovered.at < Date.now() - 3600_000) {
    const metadata = discover().catch((error: unknown) => {
      if (discovered?.metadata === metadata) discovered = undefined;
      throw error;
    });
    discovered = { metadata, at: Date.now() };
  }
  return discovered.metadata;
}
