/**
 * `GET /api/databases` and `GET /api/databases/:name/tables`: the signed-in
 * user's data at the vendor, reached with their stored token. The answer is
 * the vendor's data, never a token.
 */
import type { Middleware } from 'koa';
import type { Integration } from '../context';
import { IntegrationError } from '../errors';
import { requireSession } from '../session';

const databaseName = /^[A-Za-z0-9_$-]{1,64}$/;

export function listDatabases(integration: Integration): Middleware {
  return async (ctx) => {
    const session = await requireSession(ctx, integration.store);
    const body = await integration.vendorApi.get(session.userId, '/v1/databases');
    ctx.body = { databases: Array.isArray(body.databases) ? body.databases : [] };
  };
}

export function listTables(integration: Integration): Middleware {
  return async (ctx) => {
    const session = await requireSession(ctx, integration.store);
    const name = (ctx.params as { name?: string }).name ?? '';
    if (!databaseName.test(name)) throw new IntegrationError('malformed_request', 'the database name must be 1 to 64 letters, digits, "_", "$" or "-"');
    const body = await integration.vendorApi.get(session.userId, `/v1/databases/${encodeURIComponent(name)}/tables`);
    ctx.body = { database: name, tables: Array.isArray(body.tables) ? body.tables : [] };
  };
}
