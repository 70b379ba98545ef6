/**
 * `npm run start:integration`: the integration alone, configured only by
 * environment variables, against any provider found by discovery.
 */
import { type Config, ConfigurationError, loadConfig } from './config';
import { loadEnvFile } from './env-file';
import { TestHooks } from './routes/test-hooks';
import { startIntegration } from './server';
import { openStore } from './store/open-store';

/** Who signs users in, said at start: the demo's sign-in must never pass unnoticed. */
function identityOf(config: Config): string {
  if (config.identity.kind === 'trusted-header') return `users from the ${config.identity.header} header`;
  return 'the DEMO sign-in: anyone may sign in as anyone, never use it in production';
}

async function main(): Promise<void> {
  const envFile = loadEnvFile();
  const config = loadConfig(process.env);
  // TEST_HOOKS=true: the store reads the hooks' clock too (contract 9.1).
  const testHooks = config.testHooks ? new TestHooks() : undefined;
  const { store, limiterFactory, description } = await openStore(config, testHooks?.now);
  const running = await startIntegration(config, { store, limiterFactory, testHooks });
  const metadata = await running.integration.discovery.metadata().catch((error: unknown) => {
    running.integration.logger.warn(
      { error: (error as Error).message },
      'discovery failed at start; will retry on first use',
    );
    return undefined;
  });
  process.stdout.write(
    `Integration listening on ${running.url} (provider ${config.issuer}${metadata ? ', discovered' : ''}; ${description}; ${identityOf(config)}` +
      `${testHooks ? '; TEST HOOKS on /__test (never in production)' : ''}` +
      `${envFile ? `; settings from ${envFile}` : ''})\n`,
  );
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(
      `The integration cannot start; fix its configuration:\n${error.problems.map((problem) => `  - ${problem}`).join('\n')}\n`,
    );
  } else {
    process.stderr.write(`The integration cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
