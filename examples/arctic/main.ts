/** The matrix's integration on arctic: `node -r ts-node/register examples/arctic/main.ts` (README.md). */
import { run } from '../shared/run';
import { arcticLibrary } from './arctic';

run(arcticLibrary);
