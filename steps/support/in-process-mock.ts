/**
 * The mock provider started in the test process for one scenario, wrapped
 * in the provider driver. Its signing keys are generated once per run (RSA
 * key generation is the slowest part of starting it).
 */
import { AfterAll } from '@cucumber/cucumber';

import type { ClientRegistration, SecurityProfile } from '../../mock-provider';
import { generateSigningKeys, type SigningKey } from '../../mock-provider/keys';
import { dropKeptRuns, type VendorDataOptions } from '../../mock-provider/vendor-data';
import { inProcessProvider } from './in-process-provider';
import type { InProcessProvider } from './provider-driver';
import { type CertificateKind, tlsMaterial } from './tls';

let sharedKeys: Promise<SigningKey[]> | undefined;

/**
 * The mock's module, oidc-provider with it, loaded by the first scenario that starts a mock, not with the step
 * definitions: cucumber's coordinating process loads those only to read them, before any worker starts (~0.1 s of
 * its CPU; most of what the mock loads, it loads anyway).
 */
export function mockProviderModule(): typeof import('../../mock-provider') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../mock-provider') as typeof import('../../mock-provider');
}

/**
 * Where the vendor's data lives for a run of this store profile: the mysql
 * profile seeds it into MariaDB (VENDOR_MYSQL_URL, or else MYSQL_URL's
 * server), the memory profile keeps it in memory unless VENDOR_MYSQL_URL is set.
 * On MySQL a mock takes a run this worker seeded before, its rows put back
 * as seeded (a seed and a drop cost about 600 ms), unless it is to own one:
 * a mock whose scenarios are about a run's own life (dropped when its mock
 * stops). The worker drops the runs it kept when it is done.
 */
export function vendorDataFor(store: 'memory' | 'mysql' | undefined, ownRun = false): VendorDataOptions {
  const mysqlUrl = process.env.VENDOR_MYSQL_URL ?? (store === 'mysql' ? process.env.MYSQL_URL : undefined);
  return mysqlUrl ? { mysqlUrl, reuseRun: !ownRun } : {};
}

AfterAll(async function () {
  await dropKeptRuns();
});

/**
 * Start the mock with the integration's registration; over TLS with a
 * certificate of this kind when asked; in a security profile when asked.
 */
export async function startInProcessMock(
  client: ClientRegistration,
  options: {
    tls?: CertificateKind;
    port?: number;
    profile?: SecurityProfile;
    store?: 'memory' | 'mysql';
    /** On MySQL, a run of the vendor's data of its own, seeded for it and dropped when it stops. */
    ownVendorRun?: boolean;
  } = {},
): Promise<InProcessProvider> {
  sharedKeys ??= generateSigningKeys();
  const mock = await mockProviderModule().startMockProvider({
    client,
    keys: await sharedKeys,
    vendorData: vendorDataFor(options.store, options.ownVendorRun),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.tls ? { tls: tlsMaterial().certificates[options.tls] } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  });
  return inProcessProvider(mock);
}
