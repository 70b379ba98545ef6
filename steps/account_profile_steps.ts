/**
 * The connected account's name: from the ID token, or else from userinfo
 * (features/account-profile.feature, contract 5.3 "The account's name"; the
 * mock's modes of contract 10.1).
 */
import { strict as assert } from 'node:assert';

import { Given, Then } from '@cucumber/cucumber';

import { textOfElementWith } from './support/html-forms';
import type { Person } from './support/people';
import type { RecordedRequest } from './support/provider-driver';
import { connectionView } from './support/tasks';
import type { ConformanceWorld } from './support/world';

Given('the provider puts the profile claims in the ID token', async function (this: ConformanceWorld) {
  await this.provider.setModes({ idTokenProfileClaims: true });
});

Given("the provider's userinfo will name another account than the ID token", async function (this: ConformanceWorld) {
  await this.provider.setModes({ userinfoSubject: 'another-account' });
});

/** The claims of the ID token of the provider's last 200 answer to a code exchange, as it sent them. */
async function idTokenIssuedAtConnect(world: ConformanceWorld): Promise<Record<string, unknown>> {
  const exchanges = (await world.provider.requests('token')).filter(
    (request) => request.params.grant_type === 'authorization_code' && request.status === 200,
  );
  const idToken = exchanges.at(-1)?.issuedTokens.find((token) => /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(token));
  assert.ok(idToken, 'the provider issued an ID token at the connect');
  return JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

Then('the ID token the provider issued at the connect names no one', async function (this: ConformanceWorld) {
  const claims = await idTokenIssuedAtConnect(this);
  assert.equal(typeof claims.sub, 'string', 'it names the subject');
  assert.deepEqual(
    ['name', 'preferred_username', 'email'].filter((claim) => claim in claims),
    [],
    'no profile claim in the ID token (OIDC Core 5.4)',
  );
});

Then(
  'the ID token the provider issued at the connect names {string}',
  async function (this: ConformanceWorld, name: string) {
    assert.equal((await idTokenIssuedAtConnect(this)).name, name);
  },
);

/** Contract 5.3, 10.1: the mock's `userinfoEndpoint` mode: discovery names none, and the endpoint answers 404. */
Given('the provider offers no userinfo endpoint', async function (this: ConformanceWorld) {
  await this.provider.setModes({ userinfoEndpoint: false });
});

Then('the provider received no userinfo request', async function (this: ConformanceWorld) {
  assert.deepEqual(await this.provider.requests('userinfo'), []);
});

/** Each userinfo request carried the access token issued at the connect, as Bearer, or (FAPI 2.0) as DPoP with a proof. */
function assertPresentsTokenOfConnect(world: ConformanceWorld, person: Person, requests: readonly RecordedRequest[]) {
  const { accessToken } = person.tokensAtConnect;
  for (const request of requests) {
    assert.equal(request.bearerToken, accessToken, 'userinfo was asked with the access token issued at the connect');
    if (world.securityProfile === 'fapi2') {
      assert.equal(request.authorizationScheme, 'DPoP', 'the DPoP-bound token presented as DPoP (RFC 9449 7.1)');
      assert.ok(request.dpopProof, 'with a DPoP proof');
    } else {
      assert.equal(request.authorizationScheme, 'Bearer');
    }
  }
}

Then(
  'the provider received one userinfo request, with the access token it issued at the connect',
  async function (this: ConformanceWorld) {
    const requests = await this.provider.requests('userinfo');
    assert.equal(requests.length, 1, 'one userinfo request');
    assertPresentsTokenOfConnect(this, this.people.subject, requests);
    assert.equal(requests[0]?.status, 200, 'which the provider answered');
  },
);

Then(
  "the integration asked the provider's userinfo, with the access token it issued at the connect",
  async function (this: ConformanceWorld) {
    const requests = await this.provider.requests('userinfo');
    assert.ok(requests.length >= 1, 'userinfo was asked');
    assertPresentsTokenOfConnect(this, this.people.subject, requests);
  },
);

Then(
  '{person} is connected to the account {string}, with the email {string}',
  async function (this: ConformanceWorld, person: Person, name: string, email: string) {
    const view = await connectionView(this, person);
    assert.equal(view.status, 'connected', `${person.name}'s connection: ${JSON.stringify(view)}`);
    assert.deepEqual([view.account?.name, view.account?.email], [name, email]);
    const page = await person.agent.get(this.url('/'));
    assert.equal(textOfElementWith(page.body, 'data-account'), `${name} (${email})`, 'the home page shows both');
  },
);

Then(
  '{person} is connected, her/his account shown as {string} with no name',
  async function (this: ConformanceWorld, person: Person, subject: string) {
    const view = await connectionView(this, person);
    assert.equal(view.status, 'connected', `${person.name}'s connection: ${JSON.stringify(view)}`);
    assert.equal(view.account?.subject, subject);
    assert.equal(view.account?.name, null, 'no name: userinfo did not give one');
    const page = await person.agent.get(this.url('/'));
    assert.match(page.body, /\sdata-connection-status="connected"/);
    assert.equal(
      textOfElementWith(page.body, 'data-account'),
      subject,
      'the home page shows the account by its subject',
    );
  },
);
