// `npm run start:integration`: the integration as operators run it, the
// compiled JavaScript in dist/ under plain node. Builds dist/ first when it is
// missing or older than src/, so that `npm ci && npm run start:integration`
// works on a fresh clone. In production, build once (`npm run build`) and run
// `node dist/main.js`.
'use strict';
const { join } = require('node:path');
const { buildIfStale, dist } = require('./build.cjs');

try {
  buildIfStale();
} catch (error) {
  process.stderr.write(`The integration cannot start: ${error.message}\n`);
  process.exit(1);
}
require(join(dist, 'main.js'));
