/**
 * Start an integration of the library matrix: the shared routes around one
 * library's part, on PORT and HOST (docs/library-matrix.md).
 */
import { settings } from '../openid-client/settings';
import { createApp } from './app';
import type { OAuthLibrary } from './library';

export function run(library: OAuthLibrary): void {
  const server = createApp(library).listen(settings.port, settings.host, () => {
    process.stdout.write(
      `Example integration on ${library.name} at http://${settings.host}:${settings.port} (provider ${settings.issuer.href})\n`,
    );
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
}
