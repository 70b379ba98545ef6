/**
 * Completing an authorization (steps 3 and 4 of the flow, contract 5.3): the
 * code of a checked authorization response redeemed at the token endpoint,
 * the token response and the ID token validated, the account checked on an
 * upgrade (contract 3.7), the account's name read from userinfo when the ID
 * token has none (./account-profile.ts), the connection's DPoP key sealed, and the
 * connection stored in place of the user's previous one, whose tokens are
 * revoked. Nothing is stored unless every check passed, and the tokens of a
 * 200 refused after the fact are revoked (contract 5.3). The callback route
 * (../routes/callback.ts) has checked the response (`iss`, `state`, `error`,
 * `code`) before it asks for this.
 */
import type { Logger } from 'pino';

import type { Config } from '../config';
import { sealDpopKey } from '../crypto/sealed-dpop-key';
import { openTokens, revocationsOf } from '../crypto/sealed-tokens';
import type { TokenCipher } from '../crypto/token-cipher';
import { IntegrationError } from '../errors';
import type { ProviderClient } from '../http/provider-client';
import { authorizationCodeGrantRequest } from '../oauth/authorization-code-grant';
import type { ClientAuthentication } from '../oauth/client-authentication';
import type { ProviderMetadata } from '../oauth/discovery';
import { type DpopNonces, generateDpopKey } from '../oauth/dpop';
import type { JwksCache } from '../oauth/jwks';
import { processTokenResponse } from '../oauth/process-token-response';
import { idTokenExpectations, validateIdToken } from '../oauth/validate-id-token';
import type { Connection, PendingAuthorization, Store } from '../store/store';
import { accountProfile } from './account-profile';
import { checkSameAccount } from './check-same-account';
import { sealConnection } from './connection-record';
import { keptOrRevoked } from './issued-tokens';
import type { RevocationQueue } from './revocation-queue';

export interface CompleteAuthorizationDependencies {
  readonly config: Pick<Config, 'clientId' | 'idTokenSignedResponseAlg' | 'dpop'>;
  readonly clientAuthentication: ClientAuthentication;
  /** The servers' last DPoP nonces (DPOP=true). */
  readonly dpopNonces: DpopNonces;
  readonly store: Pick<Store, 'findConnection' | 'replaceConnection'>;
  readonly revocations: Pick<RevocationQueue, 'revokeNow' | 'revokeIssued'>;
  readonly http: ProviderClient;
  readonly jwks: JwksCache;
  readonly cipher: TokenCipher;
  readonly logger: Pick<Logger, 'warn'>;
  readonly now: () => number;
}

/** A checked authorization response: its pending authorization (consumed), its code, the provider it came from. */
export interface AuthorizationToComplete {
  readonly pending: PendingAuthorization;
  readonly code: string;
  readonly metadata: ProviderMetadata;
}

/** The service as the composition root wires it (../integration.ts): the connection stored. */
export type CompleteAuthorization = (authorization: AuthorizationToComplete) => Promise<Connection>;

export async function completeAuthorization(
  deps: CompleteAuthorizationDependencies,
  { pending, code, metadata }: AuthorizationToComplete,
): Promise<Connection> {
  const { config, now } = deps;
  // DPoP (RFC 9449): the connection's own key, made for this exchange; kept, sealed, only if the connection is.
  const dpopKey = config.dpop ? generateDpopKey() : undefined;
  const dpop = dpopKey && { key: dpopKey, nonces: deps.dpopNonces, now };
  const response = await authorizationCodeGrantRequest(
    deps.http,
    metadata.token_endpoint,
    deps.clientAuthentication,
    code,
    pending,
    dpop,
  );
  return keptOrRevoked(deps.revocations, pending.userId, response, async () => {
    const tokens = processTokenResponse(response, pending.scopes, {
      idTokenRequired: pending.scopes.includes('openid'),
      dpop: dpop !== undefined,
    });
    const claims = tokens.idToken
      ? await validateIdToken(
          tokens.idToken,
          deps.jwks,
          idTokenExpectations(metadata, config, { value: pending.nonce, required: true }, now()),
        )
      : undefined;
    checkSameAccount(pending, claims);
    // Contract 5.3: the name from userinfo when the ID token lacks it; a `sub` of another account refuses it all.
    const profile = claims && (await accountProfile(deps, { userId: pending.userId, metadata, tokens, claims, dpop }));
    const sealedDpopKey = dpopKey && sealDpopKey(deps.cipher, pending.userId, dpopKey);
    return storeReplacing(deps, pending.userId, (previous) => ({
      ...sealConnection(deps.cipher, { pending, tokens, claims, profile, now: now(), previous }),
      ...(sealedDpopKey ? { sealedDpopKey } : {}),
    }));
  });
}

/**
 * Store the new connection in place of the user's previous one, queueing the
 * previous one's tokens for revocation in the same change (no grant is left
 * alive behind a reconnect), then revoke them. The connection lock is not
 * taken: the write names the version it read, and is tried again on a newer
 * one, so if a refresh of the previous connection wrote meanwhile, its newer
 * tokens are the ones replaced (docs/decisions.md, `no-token-dropped-alive`).
 */
async function storeReplacing(
  deps: CompleteAuthorizationDependencies,
  userId: string,
  connectionAfter: (previous: Connection | undefined) => Connection,
): Promise<Connection> {
  const { store, cipher, now } = deps;
  for (let attempt = 0; ; attempt += 1) {
    const previous = await store.findConnection(userId);
    const replaced = previous ? revocationsOf(cipher, userId, openTokens(cipher, previous), now()) : [];
    const connection = connectionAfter(previous);
    if (await store.replaceConnection(connection, previous?.version, replaced)) {
      if (replaced.length > 0) await deps.revocations.revokeNow(replaced);
      return connection;
    }
    if (attempt === 4)
      throw new IntegrationError('store_unavailable', 'the connection kept changing while it was being replaced');
  }
}
