/**
 * `GET /api/databases` and `GET /api/databases/:name/tables`: the signed-in
 * user's data at the vendor, reached with their stored token. The answer is
 * the vendor's data (tables with their columns), never a token.
 */
import type { RouterMiddleware } from '@koa/router';

import type { IntegrationMiddleware, IntegrationState } from '../http/integration-state';
import { type Identity, requireUser } from '../identity/identity';
import type { VendorApi } from '../vendor-api/vendor-api';
import { checkDatabaseName } from './identifiers';

export interface DatabasesDependencies {
  readonly identity: Identity;
  readonly vendorApi: Pick<VendorApi, 'listDatabases' | 'listTables'>;
}

export function listDatabases(deps: DatabasesDependencies): IntegrationMiddleware {
  return async (ctx) => {
    const user = await requireUser(deps.identity, ctx);
    ctx.body = { databases: await deps.vendorApi.listDatabases(user.id) };
  };
}

export function listTables(deps: DatabasesDependencies): RouterMiddleware<IntegrationState> {
  return async (ctx) => {
    const user = await requireUser(deps.identity, ctx);
    const name = checkDatabaseName(ctx.params.name);
    ctx.body = { database: name, tables: await deps.vendorApi.listTables(user.id, name) };
  };
}
