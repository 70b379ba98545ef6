/**
 * Tokens issued are kept or revoked, never dropped (contract 5.3, 5.5):
 * whatever refuses a 200 token response after the fact (its fields, its ID
 * token, the account, the store), the tokens it carried are live at the
 * provider, so they are queued for revocation before the refusal goes on.
 * Every use of a token response goes through here, in one place.
 */
import type { ProviderResponse } from '../http/provider-client';
import { issuedTokens } from '../oauth/process-token-response';
import type { RevocationQueue } from './revocation-queue';

export async function keptOrRevoked<T>(
  revocations: Pick<RevocationQueue, 'revokeIssued'>,
  userId: string,
  response: ProviderResponse<string>,
  keep: () => Promise<T>,
): Promise<T> {
  try {
    return await keep();
  } catch (error) {
    await revocations.revokeIssued(userId, issuedTokens(response));
    throw error;
  }
}
