/**
 * The vendor's API under a base URL with a path (docs/decisions.md,
 * `api-base-url-path-kept`): every call stays under the configured base, the
 * base's path kept. The base is our configuration (API_BASE_URL), so the
 * scenario is @in-process; the judgment is what the provider's resource API
 * received.
 */
import { strict as assert } from 'node:assert';

import { Given, Then } from '@cucumber/cucumber';

import type { ConformanceWorld } from './support/world';

Given(
  "the vendor's API is served under {string}, and the integration's API base URL is there",
  async function (this: ConformanceWorld, path: string) {
    const base = await this.provider.setResourceBasePath(path);
    await this.inProcess.reconfigure({ API_BASE_URL: base });
  },
);

Then('every request the vendor API received was under {string}', async function (this: ConformanceWorld, path: string) {
  const requests = await this.provider.requests('resource');
  assert.ok(requests.length > 0, 'the vendor API was called');
  for (const request of requests)
    assert.ok(request.path.startsWith(`${path}/`), `a request outside the base: ${request.path}`);
});
