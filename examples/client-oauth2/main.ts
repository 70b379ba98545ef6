/** The matrix's integration on client-oauth2: `node -r ts-node/register examples/client-oauth2/main.ts` (README.md). */
import { run } from '../shared/run';
import { clientOauth2Library } from './client-oauth2';

run(clientOauth2Library);
