/**
 * The judge of the fapi2 rerun (contract 5.8), in-process and remote alike:
 * after every scenario that passed in the FAPI 2.0 security profile, what
 * the mock received from the integration during it is held to FAPI 2.0
 * (judgeAtTheMock, security-profile.ts). A failure fails the scenario.
 *
 * It must run while the servers are still up: cucumber runs After hooks
 * last-defined first, and loads steps/support/ in the order of its file
 * names, so this file (after hooks.ts) defines its hook after the one that
 * stops them; no step file may import it (that would load it first).
 */
import { strict as assert } from 'node:assert';

import { After, Status } from '@cucumber/cucumber';
import type { JSONWebKeySet } from 'jose';

import { endpointPaths } from '../../mock-provider/endpoints';
import { got } from './http';
import { harnessCallsFrom, judgeAtTheMock } from './security-profile';
import type { ConformanceWorld } from './world';

After({ tags: 'not @no-servers' }, async function (this: ConformanceWorld, { result }) {
  if (this.securityProfile !== 'fapi2' || result?.status !== Status.PASSED || !this.provider || !this.sut) return;
  const jwksUri = this.sut.settings.clientJwksUri;
  const published = await got(jwksUri, { responseType: 'json', throwHttpErrors: false });
  assert.equal(published.statusCode, 200, `the integration publishes its client keys at ${jwksUri}`);
  const requests = await this.provider.requests();
  const judged = await judgeAtTheMock(requests.slice(0, harnessCallsFrom(this) ?? requests.length), {
    issuer: this.provider.issuer,
    clientId: this.provider.client.client_id,
    // The mock's own path (not read from discovery, which a scenario may have made fail).
    authorizationEndpoint: `${this.provider.issuer}${endpointPaths.authorization}`,
    publishedKeys: published.body as JSONWebKeySet,
  });
  this.attach(`FAPI 2.0 judge: ${judged} requests the mock received held to FAPI 2.0 (contract 5.8)`, 'text/plain');
});
