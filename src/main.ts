/**
 * `npm run start:integration`: the integration alone, configured only by
 * environment variables, against any provider found by discovery.
 */
import { ConfigurationError, loadConfig } from './config';
import { startIntegration } from './server';
import { openStore } from './store/open-store';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { store, limiterFactory, description } = await openStore(config);
  const running = await startIntegration(config, { store, limiterFactory });
  const metadata = await running.integration.discovery.metadata().catch((error: unknown) => {
    running.integration.logger.warn({ error: (error as Error).message }, 'discovery failed at start; will retry on first use');
    return undefined;
  });
  process.stdout.write(
    `Integration listening on ${running.url} (provider ${config.issuer}${metadata ? ', discovered' : ''}; ${description})\n`,
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`The integration cannot start; fix its configuration:\n${error.problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
  } else {
    process.stderr.write(`The integration cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
