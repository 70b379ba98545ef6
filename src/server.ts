/**
 * Run the integration on a port: used by `npm run start:integration`, the
 * demo and the harness alike.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import type { Config } from './config';
import { createIntegration, type Integration, type IntegrationOptions } from './integration';

export interface RunningIntegration {
  readonly url: string;
  readonly integration: Integration;
  readonly server: Server;
  /** Stop serving requests, leaving the server listening and the store open (for a restart on the same port). */
  detach(): void;
  close(): Promise<void>;
}

export async function startIntegration(
  config: Config,
  options: IntegrationOptions & { server?: Server } = {},
): Promise<RunningIntegration> {
  const integration = createIntegration(config, options);
  const server = options.server ?? createServer();
  const callback = createApp(integration).callback();
  const handler = (request: IncomingMessage, response: ServerResponse) => void callback(request, response);
  server.on('request', handler);
  const retrier = setInterval(() => {
    integration.revocations.retryDue().catch((error: unknown) => {
      integration.logger.error({ error: (error as Error).message }, 'revocation retry failed');
    });
  }, config.revocationRetryIntervalSeconds * 1000);
  retrier.unref();
  if (!server.listening) {
    server.listen(config.port, config.host);
    await once(server, 'listening');
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    integration,
    server,
    detach() {
      clearInterval(retrier);
      server.off('request', handler);
    },
    async close() {
      clearInterval(retrier);
      server.off('request', handler);
      if (server.listening) {
        server.closeAllConnections();
        server.close();
        await once(server, 'close');
      }
      await integration.store.close();
    },
  };
}
