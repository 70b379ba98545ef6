/**
 * `npm start`: the demo. The mock provider and the integration together,
 * with development secrets generated for this run, the embedded in-memory
 * store, nothing else to install. Prints where to go and how to sign in.
 */
import { demoAccounts, startMockProvider } from '../mock-provider';
import { loadConfig } from '../src/config';
import { startIntegration } from '../src/server';
import { callbackOf, integrationClient, integrationEnvironment } from '../testkit/local-system';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const mockPort = Number(process.env.MOCK_PORT ?? 4000);
  const mock = await startMockProvider({
    client: integrationClient(callbackOf(port)),
    port: mockPort,
    host: '127.0.0.1',
  });
  const config = loadConfig(integrationEnvironment(mock, { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' }));
  const integration = await startIntegration(config);
  process.stdout.write(
    [
      '',
      'Demo running (development secrets were generated for this run; do not use them anywhere else).',
      `  Integration:   ${integration.url}    <- open this in a browser`,
      `  Mock provider: ${mock.issuer}`,
      `  Provider accounts: ${demoAccounts.map((account) => `${account.username} / ${account.password}`).join(', ')}`,
      '  Sign in to the integration with any name, press Connect, sign in at the provider as alice, Approve.',
      '',
    ].join('\n'),
  );
  const stop = () => void Promise.all([integration.close(), mock.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`The demo could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
