// Loaded by cucumber before the compiled steps (cucumber.cjs, requireModule),
// in every worker: stack traces of the harness and of the code under test
// name the .ts sources and their lines, as under ts-node, not build/*.js.
'use strict';
process.setSourceMapsEnabled(true);
