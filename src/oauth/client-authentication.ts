/**
 * Client authentication: how the client authenticates at the provider's
 * back-channel endpoints (token, revocation, pushed authorization requests):
 * `client_secret_basic` (the default) or `private_key_jwt` (CLIENT_AUTH_METHOD). Asked once per
 * attempt, so that every request carries a fresh assertion (a `jti` is good
 * once).
 *
 * A rotation of the client key (a new key first in CLIENT_SIGNING_KEYS)
 * reaches the provider only when it fetches our /jwks.json again, and a
 * provider keeps the set it fetched for a while: oidc-provider at least a
 * minute, or the `max-age` we serve, and it does not refetch on an unknown
 * `kid`. Until then it refuses assertions signed with the new key as
 * `invalid_client`. So a request it refuses so, when the ring holds an older
 * key, is sent once more signed with that key, and for the next minute that
 * key signs; then the newest is tried again. An `invalid_client` answer means
 * the client was not authenticated, so the provider processed nothing (a
 * code, a refresh token, a pushed request): sending again is safe.
 *
 * That fallback is a stopgap of the rotation alone (contract 5.3): it is
 * allowed only within the rotation window (CLIENT_KEY_ROTATION_WINDOW_SECONDS)
 * after the newest key appeared, that is after this instance started
 * publishing it, and never again once the provider has accepted the newest
 * key. Outside it, `invalid_client` is the answer (the provider cannot fetch
 * /jwks.json, the registration changed): no other key is tried. Each
 * fallback is counted (`oauth_client_key_fallbacks_total`, contract 8.4).
 */
import { parseJsonObject } from '../http/provider-client';
import type { ClientAssertions } from './client-assertion';

export interface ClientCredentialsToSend {
  readonly headers: Readonly<Record<string, string>>;
  readonly form: Readonly<Record<string, string>>;
}

/** What `send` needs to see of an answer. */
export interface ClientAnswer {
  readonly statusCode: number;
  readonly body: string;
}

export interface ClientAuthentication {
  readonly method: 'client_secret_basic' | 'private_key_jwt';
  /** What one request sends to authenticate the client. */
  credentials(): Promise<ClientCredentialsToSend>;
  /**
   * Send a request as the client: `request` asks `credentials` for what to
   * send on each of its attempts. With private_key_jwt, an answer refusing
   * the newest key is followed by the same request signed with the older key
   * (see above).
   */
  send<Answer extends ClientAnswer>(
    request: (credentials: () => Promise<ClientCredentialsToSend>) => Promise<Answer>,
  ): Promise<Answer>;
}

/**
 * `client_secret_basic` (RFC 6749 2.3.1): client id and secret, each
 * form-urlencoded, joined by a colon, in an HTTP Basic Authorization header.
 */
export function clientSecretBasic(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** How long the older key signs after the provider refused the newest (never past the rotation window). */
export const olderKeyWindowMs = 60_000;

/** The provider says the client failed to authenticate (RFC 6749 5.2: 401, or 400 without an Authorization header). */
function refusesClient(answer: ClientAnswer): boolean {
  return (
    (answer.statusCode === 401 || answer.statusCode === 400) && parseJsonObject(answer.body)?.error === 'invalid_client'
  );
}

/** The provider authenticated the client: it answered the request itself. */
function acceptsClient(answer: ClientAnswer): boolean {
  return answer.statusCode >= 200 && answer.statusCode < 300;
}

export interface ClientAuthenticationOptions {
  readonly now?: () => number;
  /**
   * How long after the newest key appeared (this instance started with it)
   * a refusal of it may fall back to the older key, in milliseconds; 0: never.
   */
  readonly rotationWindowMs?: number;
  /** Told of each fallback: the key refused, the key used instead. */
  readonly onOlderKey?: (refused: string, used: string) => void;
}

export function clientAuthentication(
  setting: { clientId: string; clientSecret?: string; issuer: string },
  assertions: ClientAssertions | undefined,
  options: ClientAuthenticationOptions = {},
): ClientAuthentication {
  if (assertions) {
    const now = options.now ?? Date.now;
    const [newest, older] = assertions.keyIds;
    // The newest key appeared when this instance started publishing it at /jwks.json.
    const rotationEnds = now() + (options.rotationWindowMs ?? 0);
    let newestAccepted = false;
    let olderUntil = 0;
    const signedWith = (kid: string | undefined) => async (): Promise<ClientCredentialsToSend> => ({
      headers: {},
      form: {
        client_id: setting.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        // FAPI 2.0 Security Profile 5.3.2.1: the audience is the issuer identifier.
        client_assertion: await assertions.sign(setting.issuer, kid),
      },
    });
    const current = () => (older !== undefined && now() < olderUntil ? older : newest);
    const mayFallBack = () => older !== undefined && !newestAccepted && now() < rotationEnds;
    return {
      method: 'private_key_jwt',
      credentials: () => signedWith(current())(),
      async send(request) {
        const kid = current();
        const answer = await request(signedWith(kid));
        if (kid !== newest || newest === undefined || older === undefined) return answer;
        if (acceptsClient(answer)) newestAccepted = true;
        if (!refusesClient(answer) || !mayFallBack()) return answer;
        olderUntil = Math.min(now() + olderKeyWindowMs, rotationEnds);
        options.onOlderKey?.(newest, older);
        return request(signedWith(older));
      },
    };
  }
  const authorization = clientSecretBasic(setting.clientId, setting.clientSecret ?? '');
  const credentials = async () => ({ headers: { authorization }, form: {} });
  return { method: 'client_secret_basic', credentials, send: (request) => request(credentials) };
}
