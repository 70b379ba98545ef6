/**
 * The example integration: `node -r ts-node/register examples/openid-client/main.ts`
 * with ISSUER_URL, CLIENT_ID, CLIENT_SECRET and REDIRECT_URI set (README.md).
 */
import { createApp } from './app';
import { settings } from './settings';
import { retryRevocations } from './tokens';

const server = createApp().listen(settings.port, settings.host, () => {
  process.stdout.write(
    `Example integration on http://${settings.host}:${settings.port} (provider ${settings.issuer.href})\n`,
  );
});
setInterval(() => void retryRevocations(), 1000).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
