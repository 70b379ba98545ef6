/**
 * A vendor's DPoP challenge in another case than the RFC writes it (RFC 9449 7.1, RFC 7235 2.1: the scheme is
 * case-insensitive): `WWW-Authenticate: dpop error="use_dpop_nonce"` still demands a nonce, which the integration
 * uses in one retry (contract 5.8). The OpenID Foundation's rs-dpop-auth-scheme-case-insensitivity does the same.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';

import { Given, Then } from '@cucumber/cucumber';
import { decodeJwt } from 'jose';

import type { ConformanceWorld } from './support/world';

/** The nonce the vendor demanded, and how many requests it had received before, per scenario. */
const demands = new WeakMap<ConformanceWorld, { nonce: string; before: number }>();

Given(
  'the vendor API will demand a DPoP nonce once, under the scheme {string}',
  async function (this: ConformanceWorld, scheme: string) {
    const nonce = `n-${randomBytes(8).toString('hex')}`;
    demands.set(this, { nonce, before: (await this.provider.requests('resource')).length });
    await this.provider.failNext('resource', {
      status: 401,
      headers: { 'WWW-Authenticate': `${scheme} error="use_dpop_nonce"`, 'DPoP-Nonce': nonce },
      body: '{"error":"use_dpop_nonce"}',
    });
  },
);

Then("the vendor API's demand was followed by one retry with that nonce", async function (this: ConformanceWorld) {
  const demand = demands.get(this);
  assert.ok(demand, 'an earlier step made the vendor demand a nonce');
  const since = (await this.provider.requests('resource')).slice(demand.before);
  const demanded = since[0];
  assert.ok(demanded, 'the vendor API was called');
  assert.equal(demanded.status, 401);
  // The retry is the next request to the same path (contract 5.8): an integration may call other paths meanwhile.
  const requests = since.filter((request) => request.path === demanded.path);
  assert.equal(requests.length, 2, `the demanded request to ${demanded.path}, then one retry`);
  const retry = requests[1] as (typeof requests)[0];
  assert.equal(decodeJwt(retry.dpopProof ?? '').nonce, demand.nonce, 'the retry carried the demanded nonce');
  assert.equal(retry.status, 200, 'the retry was taken');
});
