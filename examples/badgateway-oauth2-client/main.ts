/**
 * The matrix's integration on @badgateway/oauth2-client: `node -r
 * ts-node/register examples/badgateway-oauth2-client/main.ts`.
 */
import { run } from '../shared/run';
import { badgatewayLibrary } from './oauth2-client';

run(badgatewayLibrary);
