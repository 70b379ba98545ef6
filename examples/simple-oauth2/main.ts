/** The matrix's integration on simple-oauth2: `node -r ts-node/register examples/simple-oauth2/main.ts` (README.md). */
import { run } from '../shared/run';
import { simpleOauth2Library } from './simple-oauth2';

run(simpleOauth2Library);
