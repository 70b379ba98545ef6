/**
 * Calls to the vendor's resource API on the user's behalf (RFC 6750): the
 * access token in the Authorization header, one refresh and one retry after
 * a 401, and the vendor's answers turned into our error codes. The token
 * never leaves this module: callers get the vendor's JSON, nothing else.
 */
import type { Response } from 'got';
import type { Integration } from '../context';
import { IntegrationError } from '../errors';
import { parseJsonObject, retryAfterOf } from '../http/provider-client';
import type { TokenManager } from './token-manager';

export class VendorApi {
  constructor(
    private readonly integration: Integration,
    private readonly tokens: TokenManager,
  ) {}

  /** GET a path of the vendor API (e.g. `/v1/databases`) as the user; its JSON body. */
  async get(userId: string, path: string): Promise<Record<string, unknown>> {
    const { connection, accessToken } = await this.tokens.usable(userId);
    let response = await this.send(path, accessToken);
    if (response.statusCode === 401) {
      const refreshed = this.tokens.open(await this.tokens.refresh(connection));
      response = await this.send(path, refreshed.accessToken);
    }
    return this.interpret(response);
  }

  private send(path: string, accessToken: string): Promise<Response<string>> {
    const url = new URL(path, this.integration.config.apiBaseUrl);
    return this.integration.http.request('resource', 'idempotent', (got) => got.get(url, { headers: { authorization: `Bearer ${accessToken}` } }));
  }

  private interpret(response: Response<string>): Record<string, unknown> {
    const status = response.statusCode;
    if (status === 200) {
      const body = parseJsonObject(response.body);
      if (!body) throw new IntegrationError('provider_error', 'the vendor API answered something other than JSON');
      return body;
    }
    if (status === 401) throw new IntegrationError('provider_error', 'the vendor API refused a freshly refreshed access token');
    if (status === 403) throw new IntegrationError('insufficient_scope', 'the connection was not granted access to the databases');
    if (status === 404) throw new IntegrationError('not_found', 'the vendor has no such database');
    if (status === 429 || status >= 500) {
      throw new IntegrationError('provider_unavailable', `the vendor API answered ${status}`, { retryAfterSeconds: retryAfterOf(response) });
    }
    throw new IntegrationError('provider_error', `the vendor API answered ${status}`);
  }
}
