/**
 * `npm run start:mock`: the mock provider alone, for QA and for trying the
 * integration against it. Configured by MOCK_PORT, MOCK_CLIENT_ID,
 * MOCK_CLIENT_SECRET and MOCK_REDIRECT_URI, and MOCK_PROFILE (`basic`, the
 * default, or `fapi2`: PAR, DPoP and private_key_jwt, the client's keys read
 * from MOCK_CLIENT_JWKS_URI, by default the redirect URI's origin +
 * /jwks.json); prints what a client needs. With VENDOR_MYSQL_URL set, the
 * vendor's data is seeded into that MariaDB/MySQL server at start (its
 * user must be able to create databases and users), and dropped at stop.
 * `--like reports/provider.json` (or MOCK_LIKE) starts it with the modes the
 * provider profile's report found for a real provider (docs/provider-mode.md).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type { ModesChange } from './controls';
import { demoAccounts, startMockProvider } from './index';
import { MysqlPlane } from './vendor-data';

/** The modes of a provider profile's report (`mockLike.modes`), and what the mock cannot imitate. */
function likeReport(): { file: string; modes: ModesChange; unreproducible: string[] } | undefined {
  const flag = process.argv.indexOf('--like');
  const file = flag >= 0 ? process.argv[flag + 1] : process.env.MOCK_LIKE;
  if (!file) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    mockLike?: { modes?: ModesChange; unreproducible?: string[] };
  };
  if (!report.mockLike)
    throw new Error(`${file} is not a provider report (no mockLike): run npx cucumber-js -p provider`);
  return { file, modes: report.mockLike.modes ?? {}, unreproducible: report.mockLike.unreproducible ?? [] };
}

async function main(): Promise<void> {
  const port = Number(process.env.MOCK_PORT ?? 4000);
  const profile = process.env.MOCK_PROFILE ?? 'basic';
  if (profile !== 'basic' && profile !== 'fapi2')
    throw new Error(`MOCK_PROFILE must be "basic" or "fapi2", not "${profile}".`);
  const client = {
    client_id: process.env.MOCK_CLIENT_ID ?? 'mysql-integration',
    client_secret: process.env.MOCK_CLIENT_SECRET ?? randomBytes(24).toString('base64url'),
    // Several, space-separated, for a client that two parties use (.ci/provider-run: the harness and our integration).
    redirect_uris: (process.env.MOCK_REDIRECT_URI ?? 'http://127.0.0.1:3000/callback').split(/\s+/).filter(Boolean),
    ...(process.env.MOCK_CLIENT_JWKS_URI ? { jwks_uri: process.env.MOCK_CLIENT_JWKS_URI } : {}),
  };
  const like = likeReport();
  const mock = await startMockProvider({ client, port, controlApi: true, profile });
  if (like) await mock.controls.setModes(like.modes);
  let vendorData = 'in memory (set VENDOR_MYSQL_URL to seed it into MariaDB/MySQL)';
  if (mock.vendorData instanceof MysqlPlane) {
    try {
      const runId = await mock.vendorData.seed();
      const server = new URL(process.env.VENDOR_MYSQL_URL ?? '');
      vendorData = `MariaDB/MySQL at ${server.hostname}:${server.port || 3306}, databases vd_${runId}_*, users vd_${runId}_<account>_ro|rw`;
    } catch {
      await mock.close();
      throw new Error(
        "the vendor's data could not be seeded into VENDOR_MYSQL_URL's server (is it up, and may its user create databases and users?)",
      );
    }
  }
  process.stdout.write(
    [
      `Mock provider running. Issuer: ${mock.issuer}`,
      `  profile:       ${profile}${profile === 'fapi2' ? ' (PAR required, DPoP-bound tokens, private_key_jwt)' : ''}`,
      `  client_id:     ${client.client_id}`,
      profile === 'fapi2'
        ? `  client keys:   ${client.jwks_uri ?? new URL('/jwks.json', client.redirect_uris[0]).href} (private_key_jwt)`
        : `  client_secret: ${client.client_secret}${process.env.MOCK_CLIENT_SECRET ? '' : ' (generated for this run; set MOCK_CLIENT_SECRET to fix it)'}`,
      `  redirect_uri:  ${client.redirect_uris.join(' ')}`,
      `  vendor data:   ${vendorData}`,
      `  accounts:      ${demoAccounts.map((account) => `${account.username} / ${account.password}`).join(', ')}`,
      `  control API:   ${mock.issuer}/__control (loopback only; see the README)`,
      ...(like
        ? [
            `  like:          ${like.file}: modes ${JSON.stringify(like.modes)} (POST /__control/reset returns to the defaults)`,
            `                 not imitated (no control): ${like.unreproducible.join(', ') || 'nothing'}`,
          ]
        : []),
      '',
    ].join('\n'),
  );
  const stop = () => void mock.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The mock provider could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
