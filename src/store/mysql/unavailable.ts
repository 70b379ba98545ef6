/**
 * Which MySQL errors mean "the database cannot be reached just now" (503
 * `store_unavailable`, worth trying again) rather than a fault of ours: a
 * lost or refused connection, a server shutting down or out of connections,
 * and transient server states (a deadlock victim, a lock wait that timed
 * out, a read-only server after a failover).
 */
import { IntegrationError } from '../../errors';

const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_OPTION_PREVENTS_STATEMENT',
]);

export function isStoreUnavailable(error: unknown): boolean {
  const { code, fatal, message } = (error ?? {}) as { code?: string; fatal?: boolean; message?: string };
  return fatal === true || (code !== undefined && unavailableCodes.has(code)) || message === 'Pool is closed.';
}

/** Run `work`; an error that means the database is away becomes `store_unavailable`, any other is thrown as it is. */
export async function unlessUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isStoreUnavailable(error))
      throw new IntegrationError('store_unavailable', 'the database cannot be reached', { cause: error });
    throw error;
  }
}
