/**
 * An upgrade keeps the account (contract 3.7): the callback of a
 * `/connect?scope=` must name, in its ID token, the `iss` and `sub` of the
 * connection it upgrades. Another account is `account_mismatch`; the
 * connection stays as it was, and the tokens just issued are revoked
 * (contract 5.3).
 */
import { IntegrationError } from '../errors';
import type { IdTokenClaims } from '../oauth/validate-id-token';
import type { PendingAuthorization } from '../store/store';

export function checkSameAccount(
  pending: Pick<PendingAuthorization, 'expectedIssuer' | 'expectedSubject'>,
  claims: Pick<IdTokenClaims, 'iss' | 'sub'> | undefined,
): void {
  if (pending.expectedSubject === undefined) return;
  if (claims?.iss === pending.expectedIssuer && claims?.sub === pending.expectedSubject) return;
  throw new IntegrationError(
    'account_mismatch',
    'the provider answered the upgrade for another account than the one connected',
  );
}
