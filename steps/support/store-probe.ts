/**
 * The deep checks only our own integration allows: what its store holds,
 * read as the harness (in the mysql profile through a connection of its
 * own), and the stored tokens decrypted with the key ring the harness gave
 * it. Used in-process only, in addition to what the contract lets anyone
 * observe, so that coverage of our integration does not drop.
 */
import type { Config } from '../../src/config';
import { openTokens } from '../../src/crypto/sealed-tokens';
import { TokenCipher } from '../../src/crypto/token-cipher';
import type { Connection, PendingAuthorization, PendingRevocation, Store, StoreCounts } from '../../src/store/store';
import type { ThrowawayDatabase } from '../../testkit/throwaway-database';

/** What the probe reads through: our integration in-process (in-process-integration.ts), the driver of `store`. */
export interface StoreSource {
  /** The store as the harness reads it. */
  storeForChecks(): Promise<Store>;
  /** The scenario's MySQL database, in the mysql profile. */
  readonly database: Pick<ThrowawayDatabase, 'query'> | undefined;
  readonly config: Pick<Config, 'tokenEncryptionKeys'>;
}

export interface ClearTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

export class StoreProbe {
  constructor(private readonly integration: StoreSource) {}

  /** A user's connection as the store holds it. */
  async connection(userId: string): Promise<Connection | undefined> {
    return (await this.integration.storeForChecks()).findConnection(userId);
  }

  /** The stored connection as raw data: the row in MySQL, the record in memory. */
  async raw(userId: string): Promise<string> {
    const database = this.integration.database;
    if (!database) return JSON.stringify(await this.connection(userId));
    return JSON.stringify(await database.query('SELECT * FROM {db}.connections WHERE user_id = ?', [userId]));
  }

  /** A user's stored tokens, decrypted (the harness holds the key ring). */
  async tokens(userId: string): Promise<ClearTokens> {
    const connection = await this.connection(userId);
    if (!connection) throw new Error(`${userId} has no stored connection`);
    return openTokens(new TokenCipher(this.integration.config.tokenEncryptionKeys), connection);
  }

  async counts(): Promise<StoreCounts> {
    return (await this.integration.storeForChecks()).counts();
  }

  async pendingAuthorization(state: string): Promise<PendingAuthorization | undefined> {
    return (await this.integration.storeForChecks()).findPendingAuthorization(state);
  }

  async revocations(): Promise<PendingRevocation[]> {
    return (await this.integration.storeForChecks()).listRevocations();
  }

  async session(id: string): Promise<unknown> {
    return (await this.integration.storeForChecks()).findSession(id);
  }
}
