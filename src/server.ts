/**
 * Run the integration on a port: used by `npm run start:integration`, the
 * demo and the harness alike. The server cuts a request whose headers (or
 * whole) take too long to arrive, and takes a bounded number of connections
 * at once: a slow client cannot hold the process's sockets.
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

/** How often the server looks for requests that have taken too long (Node's default is 30 s). */
const timeoutCheckIntervalMs = 1000;

/** An HTTP server for the integration, checking its request timeouts every second. */
export function createIntegrationServer(): Server {
  return createServer({ connectionsCheckingInterval: timeoutCheckIntervalMs });
}

export async function startIntegration(
  config: Config,
  options: IntegrationOptions & { server?: Server } = {},
): Promise<RunningIntegration> {
  const integration = createIntegration(config, options);
  const server = options.server ?? createIntegrationServer();
  // A request's headers cannot take longer than the whole request (Node's rule).
  server.requestTimeout = config.serverRequestTimeoutMs;
  server.headersTimeout = Math.min(config.serverHeadersTimeoutMs, config.serverRequestTimeoutMs);
  server.maxConnections = config.serverMaxConnections;
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
      integration.http.close();
    },
  };
}
