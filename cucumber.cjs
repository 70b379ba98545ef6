// cucumber-js profiles. `npx cucumber-js` runs the default profile (our
// integration in-process, on the embedded in-memory store); a path or
// `--tags` narrows it as usual (`npx cucumber-js features/callback.feature`,
// `npx cucumber-js --tags @pkce`).
// `npx cucumber-js -p mysql` runs every feature against the MySQL store of
// MYSQL_URL, plus the @mysql features (several instances, restarts, faults).
// The @browser scenarios need Debian's Chromium: /usr/bin/chromium-headless-shell
// (preferred: half the CPU, steps/support/browser.ts) or /usr/bin/chromium;
// without either they are left out (and `npm test` says so).
//
// `npx cucumber-js -p fapi2` (and `-p fapi2-mysql`) reruns the flow features
// (@flow: authorization request, callback, token exchange, refresh,
// concurrency, revocation, API access, faults) in the FAPI 2.0 security profile: the mock
// runs oidc-provider's FAPI 2.0 profile (PAR required, DPoP-bound tokens,
// private_key_jwt) and our integration pushes its requests, authenticates
// with private_key_jwt and binds its tokens with DPoP. The same feature text;
// a scenario about a basic-only fact (client_secret_basic, a Bearer
// token_type) is tagged @basic-only, with the reason beside it, and left out.
//
// `INTEGRATION_URL=... MOCK_URL=... npx cucumber-js -p remote` checks any
// integration that follows docs/contract.md, already running against the mock
// (`npm run start:mock`): one scenario at a time, the mock reset between
// them, the integration's settings read from the variables of the contract
// (REDIRECT_URI, REFRESH_MARGIN_SECONDS, PROVIDER_TIMEOUT_MS, ...). A scenario
// it cannot be checked for is skipped with its reason (never passed).
// Writes reports/conformance.json and reports/conformance.html.
// `-p remote-fapi2` (or `-p remote` with SECURITY_PROFILE=fapi2 declared) is
// the FAPI 2.0 run of a remote integration against the mock's fapi2 profile
// (contract 5.8): the @flow features and the @fapi2 scenarios that are not
// @in-process, each also judged at the mock (steps/fapi2_steps.ts).
// `.ci/remote-run --profile fapi2` starts both and runs it.
//
// `ISSUER_URL=... CLIENT_ID=... CLIENT_SECRET=... REDIRECT_URI=... PROVIDER_USERNAME=... PROVIDER_PASSWORD=...
// npx cucumber-js -p provider` checks a provider, not our integration: the @provider features
// (features/provider/, left out of every other profile) with their own steps and World (steps/provider/),
// serially, against any issuer; writes reports/provider.json and reports/provider.html (docs/provider-mode.md).
//
// Every profile but `remote` and `provider` runs as many workers as the machine has cores
// (scenarios share nothing: each starts its own mock and integration).
// Cucumber loads the compiled JavaScript of steps/ (and of src/,
// mock-provider/, testkit/ through them) from build/: this file compiles it
// first, with tsc and source maps, when a source changed since the last
// build (dev/build.cjs), so that no worker compiles TypeScript. Stack traces
// lead back to the .ts sources (steps/support/source-maps.cjs).
const { existsSync } = require('node:fs');
const { availableParallelism } = require('node:os');
const { join } = require('node:path');
const { buildIfStale } = require('./dev/build.cjs');

buildIfStale('harness');

const browser = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].some((path) => existsSync(path));
const workers = availableParallelism();
const common = {
  requireModule: [join(__dirname, 'steps', 'support', 'source-maps.cjs')],
  require: ['build/steps/*_steps.js', 'build/steps/support/**/*.js'],
  strict: true,
};
const report = './steps/support/conformance-formatter.cjs';

const memory = {
  ...common,
  parallel: workers,
  tags: browser ? 'not @mysql and not @provider' : 'not @mysql and not @browser and not @provider',
  worldParameters: { store: 'memory' },
};
const mysql = {
  ...common,
  parallel: workers,
  tags: browser ? 'not @provider' : 'not @browser and not @provider',
  worldParameters: { store: 'mysql' },
};

// The security-profile dimension: the flow features (tagged @flow on their first line) again, under FAPI 2.0
// (steps/support/security-profile.ts). A path given on the command line narrows it as usual.
const fapi2Of = (profile) => ({
  ...profile,
  tags: ['@flow', profile.tags, 'not @basic-only'].filter(Boolean).join(' and '),
  worldParameters: { ...profile.worldParameters, securityProfile: 'fapi2' },
});
const fapi2 = fapi2Of(memory);
const remote = {
  ...common,
  tags: 'not @provider',
  worldParameters: { store: 'remote' },
  // REPORTS_DIR: a folder of the run's own (two remote runs from one checkout never share one).
  format: [
    'summary',
    `html:${process.env.REPORTS_DIR || 'reports'}/cucumber-remote.html`,
    `junit:${process.env.REPORTS_DIR || 'reports'}/junit-remote.xml`,
    `${report}:${process.env.REPORTS_DIR || 'reports'}/conformance.txt`,
  ],
};
const remoteFapi2 = {
  ...fapi2Of(remote),
  tags: '(@flow or @fapi2) and not @basic-only',
};
const fapi2Mysql = fapi2Of(mysql);

module.exports = {
  // An ad-hoc run (one feature, a few tags) writes its own report, leaving the last full run's in place.
  default: {
    ...memory,
    format: ['progress-bar', 'html:reports/ad-hoc/cucumber.html', 'junit:reports/ad-hoc/junit.xml'],
  },
  mysql: {
    ...mysql,
    format: ['progress-bar', 'html:reports/ad-hoc/cucumber-mysql.html', 'junit:reports/ad-hoc/junit-mysql.xml'],
  },
  // For CI logs: failures and totals instead of a progress bar.
  ci: {
    ...memory,
    format: ['summary', 'html:reports/cucumber.html', 'junit:reports/junit.xml', 'message:reports/cucumber.ndjson'],
  },
  'mysql-ci': {
    ...mysql,
    format: [
      'summary',
      'html:reports/cucumber-mysql.html',
      'junit:reports/junit-mysql.xml',
      'message:reports/cucumber-mysql.ndjson',
    ],
  },
  fapi2: {
    ...fapi2,
    format: ['progress-bar', 'html:reports/ad-hoc/cucumber-fapi2.html', 'junit:reports/ad-hoc/junit-fapi2.xml'],
  },
  'fapi2-mysql': {
    ...fapi2Mysql,
    format: [
      'progress-bar',
      'html:reports/ad-hoc/cucumber-fapi2-mysql.html',
      'junit:reports/ad-hoc/junit-fapi2-mysql.xml',
    ],
  },
  'fapi2-ci': {
    ...fapi2,
    format: [
      'summary',
      'html:reports/cucumber-fapi2.html',
      'junit:reports/junit-fapi2.xml',
      'message:reports/cucumber-fapi2.ndjson',
    ],
  },
  'fapi2-mysql-ci': {
    ...fapi2Mysql,
    format: [
      'summary',
      'html:reports/cucumber-fapi2-mysql.html',
      'junit:reports/junit-fapi2-mysql.xml',
      'message:reports/cucumber-fapi2-mysql.ndjson',
    ],
  },
  // Every scenario, against the integration at INTEGRATION_URL and the mock at MOCK_URL; serial, as they share both.
  // An integration that declares SECURITY_PROFILE=fapi2 (contract 2.2, 5.8) gets the fapi2 rerun instead.
  remote: process.env.SECURITY_PROFILE === 'fapi2' ? remoteFapi2 : remote,
  // The flow features under FAPI 2.0, against a remote integration and the mock's fapi2 profile (contract 5.8),
  // with the @fapi2 scenarios that can be judged from the outside.
  'remote-fapi2': remoteFapi2,
  provider: {
    requireModule: common.requireModule,
    require: ['build/steps/provider/*.js'],
    paths: ['features/provider/**/*.feature'],
    tags: '@provider',
    strict: true,
    format: [
      'summary',
      `html:${process.env.REPORTS_DIR || 'reports'}/cucumber-provider.html`,
      `junit:${process.env.REPORTS_DIR || 'reports'}/junit-provider.xml`,
    ],
  },
};
