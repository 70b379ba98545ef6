/** The matrix's integration on oauth4webapi: `node -r ts-node/register examples/oauth4webapi/main.ts` (README.md). */
import { run } from '../shared/run';
import { oauth4webapiLibrary } from './oauth4webapi';

run(oauth4webapiLibrary);
