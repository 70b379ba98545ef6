/**
 * The provider driver of a mock running elsewhere (`npm run start:mock`,
 * MOCK_URL), through its `/__control` HTTP API (mock-provider/control-api.ts):
 * each control of mock-provider/control-table.ts is sent to its entry's
 * method and path (a POST's input as JSON, `{}` when it has nothing to say,
 * contract 10.2; a GET's or DELETE's as the query), and its answer is parsed
 * with the entry's output schema. The mock judges the input.
 */
import { z } from 'zod';

import { controlTable } from '../../mock-provider/control-table';
import { freshConnections } from './fresh-connections';
import { type Got, got } from './http';
import { provider, type RemoteProvider } from './provider-driver';

const failureSchema = z.object({ error: z.string().optional(), error_description: z.string().optional() });

function jsonOf(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The query of a GET or DELETE control: its input's fields, as text. */
function queryOf(input: unknown): Record<string, string> {
  const fields = typeof input === 'object' && input !== null ? Object.entries(input) : [];
  return Object.fromEntries(
    fields.filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]),
  );
}

function remoteProvider(http: Got, issuer: string, client: RemoteProvider['client']): RemoteProvider {
  return {
    mode: 'remote',
    issuer,
    client,
    ...provider(async (_name, control, input) => {
      const response = await http(control.path, {
        method: control.method,
        ...(control.method === 'POST' ? { json: input ?? {} } : { searchParams: queryOf(input) }),
      });
      if (response.statusCode >= 300) {
        const failure = failureSchema.safeParse(jsonOf(response.body)).data ?? {};
        throw new Error(
          `the mock's control ${control.method} /__control/${control.path} answered ${response.statusCode} ${failure.error ?? ''}: ${failure.error_description ?? ''}`,
        );
      }
      return control.output.parse(response.statusCode === 204 ? undefined : jsonOf(response.body));
    }),
  };
}

/** Connect to the mock at `mockUrl` (MOCK_URL): reads its issuer and the integration's registration. */
export async function connectRemoteProvider(
  mockUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<RemoteProvider> {
  const http = got.extend({
    prefixUrl: new URL('/__control/', mockUrl).href,
    throwHttpErrors: false,
    agent: freshConnections,
    timeout: { request: options.timeoutMs ?? 10_000 },
  });
  const response = await http.get(controlTable.about.path);
  if (response.statusCode !== 200) {
    throw new Error(
      `the mock at ${mockUrl} has no control API (GET /__control answered ${response.statusCode}); start it with npm run start:mock`,
    );
  }
  const about = controlTable.about.output.parse(jsonOf(response.body));
  return remoteProvider(http, about.issuer, about.client);
}
