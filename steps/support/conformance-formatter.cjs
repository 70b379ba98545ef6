// The conformance report formatter (conformance-report.ts). cucumber-js
// imports formatters as modules; this file lets it load the TypeScript one.
require('ts-node/register');
module.exports = require('./conformance-report.ts').default;
