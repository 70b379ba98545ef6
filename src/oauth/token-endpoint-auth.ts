/**
 * How the client authenticates at the provider's back-channel endpoints
 * (token, revocation, pushed authorization requests): `client_secret_basic`
 * (the default) or `private_key_jwt` (CLIENT_AUTH_METHOD). Asked once per
 * attempt, so that every request carries a fresh assertion (a `jti` is good
 * once).
 */
import type { ClientAssertions } from './client-assertion';
import { clientSecretBasic } from './client-authentication';

export interface ClientCredentialsToSend {
  readonly headers: Readonly<Record<string, string>>;
  readonly form: Readonly<Record<string, string>>;
}

export interface ClientAuthentication {
  readonly method: 'client_secret_basic' | 'private_key_jwt';
  /** What one request sends to authenticate the client. */
  credentials(): Promise<ClientCredentialsToSend>;
}

export function clientAuthentication(
  setting: { clientId: string; clientSecret?: string; issuer: string },
  assertions: ClientAssertions | undefined,
): ClientAuthentication {
  if (assertions) {
    return {
      method: 'private_key_jwt',
      async credentials() {
        return {
          headers: {},
          form: {
            client_id: setting.clientId,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            // FAPI 2.0 Security Profile 5.3.2.1: the audience is the issuer identifier.
            client_assertion: await assertions.sign(setting.issuer),
          },
        };
      },
    };
  }
  const authorization = clientSecretBasic(setting.clientId, setting.clientSecret ?? '');
  return { method: 'client_secret_basic', credentials: async () => ({ headers: { authorization }, form: {} }) };
}
