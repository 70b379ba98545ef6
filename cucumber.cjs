// cucumber-js profiles. `npx cucumber-js` runs the default profile; a path or
// `--tags` narrows it as usual (`npx cucumber-js features/callback.feature`,
// `npx cucumber-js --tags @pkce`).
const common = {
  requireModule: ['ts-node/register'],
  require: ['steps/**/*.ts'],
  strict: true,
};

module.exports = {
  default: {
    ...common,
    format: ['progress-bar', 'html:reports/cucumber.html', 'junit:reports/junit.xml'],
  },
  // For CI logs: one line per scenario instead of a progress bar.
  ci: {
    ...common,
    format: ['summary', 'html:reports/cucumber.html', 'junit:reports/junit.xml', 'message:reports/cucumber.ndjson'],
  },
};
