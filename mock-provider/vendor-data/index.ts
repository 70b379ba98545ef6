/**
 * The vendor's data plane: from memory by default, or on the MariaDB/MySQL
 * server of `mysqlUrl` (`VENDOR_MYSQL_URL`), seeded for this run of the mock
 * and dropped when it stops.
 */
import { MemoryPlane } from './memory-plane';
import { MysqlPlane } from './mysql-plane';
import type { VendorDataPlane } from './plane';

export { VendorDataError } from './errors';
export { dropKeptRuns, MysqlPlane } from './mysql-plane';
export type { Refusal, Role, Session, VendorDataPlane, VendorDataState } from './plane';

export interface VendorDataOptions {
  /**
   * A MySQL URL whose user may create databases and users (e.g. `mysql://root@127.0.0.1:3306/test`); absent: memory.
   */
  readonly mysqlUrl?: string;
  /**
   * On MySQL: take a run this process seeded before and keeps, put back to the seeded rows, instead of seeding one of
   * its own (the harness's in-process mocks; mysql-plane.ts).
   */
  readonly reuseRun?: boolean;
}

export function createVendorData(options: VendorDataOptions = {}): VendorDataPlane {
  return options.mysqlUrl ? new MysqlPlane(options.mysqlUrl, { reuseRun: options.reuseRun }) : new MemoryPlane();
}
