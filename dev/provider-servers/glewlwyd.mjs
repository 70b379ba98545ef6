// glewlwyd, Debian's package (`apt-get install glewlwyd`), for the provider profile (docs/provider-mode.md):
// started on a database and a configuration of its own (the package's /etc/glewlwyd/glewlwyd.conf with the port,
// the external URL, its web pages served and a fresh SQLite database from the package's init script), then set
// up through its administration API, as its documentation does by hand (GETTING_STARTED.md, API.md, OIDC.md):
// signed in as the init script's administrator (admin / password), an OpenID Connect plugin instance `oidc`
// with the administration page's defaults for one (webapp/admin.js) and an RS256 key, PKCE allowed,
// introspection and revocation allowed for the client's own tokens; the `profile` scope; one account; one
// confidential client (client_secret_basic) with the redirect URIs. Its sign-in and consent pages are a
// JavaScript application: the profile runs against it with PROVIDER_LOGIN=browser.
// Settings: PORT (4641), CLIENT_ID, CLIENT_SECRET, REDIRECT_URI (several, space-separated), PROVIDER_USERNAME,
// PROVIDER_PASSWORD. Prints the issuer when it is ready; stops glewlwyd on SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const port = Number(process.env.PORT ?? 4641);
const origin = `http://127.0.0.1:${port}`;
const issuer = `${origin}/api/oidc`;
const work = mkdtempSync(join(tmpdir(), 'glewlwyd-'));
const database = join(work, 'glewlwyd.db');
execFileSync('sqlite3', [database], {
  input: gunzipSync(readFileSync('/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz')),
});
// Its web pages as the package installs them, but for config.json, which the package installs as a folder
// holding the file (the pages fetch config.json itself: its web server or ours serves the file).
const pages = '/usr/share/glewlwyd/webapp';
const webapp = join(work, 'webapp');
// (copied, links followed: its web server serves no symbolic link, and the package links jQuery, Bootstrap...)
cpSync(pages, webapp, { recursive: true, dereference: true, filter: (path) => path !== join(pages, 'config.json') });
copyFileSync(join(pages, 'config.json', 'config.json'), join(webapp, 'config.json'));
const config = readFileSync('/etc/glewlwyd/glewlwyd.conf', 'utf8')
  .replace(/^port=.*$/m, `port=${port}`)
  .replace(/^external_url=.*$/m, `external_url="${origin}"`)
  .replace(/^# static_files_path=.*$/m, `static_files_path="${webapp}/"`)
  .replace(/^log_mode=.*$/m, 'log_mode="console"')
  .replace(/^@include .*glewlwyd-db\.conf.*$/m, `database = { type = "sqlite3" path = "${database}" }`);
writeFileSync(join(work, 'glewlwyd.conf'), config);
const server = spawn('glewlwyd', [`--config-file=${join(work, 'glewlwyd.conf')}`], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.once('SIGTERM', () => server.kill('SIGTERM'));
server.once('exit', (code) => {
  rmSync(work, { recursive: true, force: true });
  process.exit(code ?? 0);
});

let cookie = '';
async function api(method, path, body) {
  const response = await fetch(`${origin}/api${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const setCookie = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (setCookie.length) cookie = setCookie.join('; ');
  const text = await response.text();
  if (response.status >= 300) throw new Error(`glewlwyd ${method} /api${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

for (let attempt = 0; ; attempt++) {
  const up = await fetch(`${origin}/config/`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  if (attempt > 100) throw new Error('glewlwyd did not start');
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await api('POST', '/auth/', { username: 'admin', password: 'password' });

// The administration page's defaults for a new OpenID Connect plugin instance (webapp/admin.js).
const adminPage = readFileSync('/usr/share/glewlwyd/webapp/admin.js', 'utf8');
const start = adminPage.indexOf('{"oauth-as-iss-id"');
let depth = 0;
let end = start;
for (; end < adminPage.length; end++) {
  if (adminPage[end] === '{') depth++;
  else if (adminPage[end] === '}' && --depth === 0) break;
}
const defaults = Function(`return ${adminPage.slice(start, end + 1)}`)();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const kid = randomUUID();
await api('POST', '/scope/', {
  name: 'profile',
  display_name: 'Profile',
  description: 'name and e-mail',
  password_required: false,
  password_max_age: 0,
  scheme: {},
});
await api('POST', '/mod/plugin/', {
  module: 'oidc',
  name: 'oidc',
  display_name: 'OpenID Connect',
  parameters: {
    ...defaults,
    iss: issuer,
    'jwt-type': 'rsa',
    'jwks-private': JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' }] }),
    'default-kid': kid,
    'allowed-scope': ['openid', 'profile'],
    'pkce-allowed': true,
    'introspection-revocation-allowed': true,
    'introspection-revocation-allow-target-client': true,
    'name-claim': 'on-demand',
    'name-claim-scope': ['profile'],
    'email-claim': 'on-demand',
    'email-claim-scope': ['profile'],
  },
});
await api('POST', '/user/', {
  username: process.env.PROVIDER_USERNAME ?? 'alice',
  password: process.env.PROVIDER_PASSWORD ?? 'wonderland',
  name: 'Alice Liddell',
  email: 'alice@example.com',
  scope: ['openid', 'profile'],
  enabled: true,
});
await api('POST', '/client/', {
  client_id: process.env.CLIENT_ID ?? 'provider-profile',
  client_secret: process.env.CLIENT_SECRET ?? 'provider-profile-secret',
  name: 'provider profile',
  confidential: true,
  enabled: true,
  redirect_uri: (process.env.REDIRECT_URI ?? 'http://127.0.0.1:4642/callback').split(/\s+/).filter(Boolean),
  authorization_type: ['code', 'refresh_token'],
  token_endpoint_auth_method: ['client_secret_basic'],
  scope: ['openid', 'profile'],
});
process.stdout.write(`glewlwyd at ${issuer}\n`);
