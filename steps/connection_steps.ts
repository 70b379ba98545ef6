import { strict as assert } from 'node:assert';

import { Then, When } from '@cucumber/cucumber';

import { tokenContext } from '../src/crypto/sealed-tokens';
import { TokenCipher } from '../src/crypto/token-cipher';
import { connectionStatusOf, textOfElementWith } from './support/html-forms';
import { assertRefused } from './support/outcomes';
import type { Person } from './support/people';
import {
  authorizeAtProvider,
  connect,
  connectionView,
  deliverCallback,
  rememberConnection,
  startConnecting,
} from './support/tasks';
import type { ConformanceWorld } from './support/world';

When(
  '{person} connects her/his MySQL account as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    await connect(this, person, account);
  },
);

When(
  '{person} connects her/his MySQL account as {account}, starting from {string}',
  async function (this: ConformanceWorld, person: Person, account: string, returnTo: string) {
    await startConnecting(this, person, returnTo);
    const response = await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
    if ([302, 303].includes(response.statusCode)) await rememberConnection(this, person, account);
  },
);

/** The person's home page, read through its markers (contract 3.1); it must say connected. */
async function connectedHomePage(
  world: ConformanceWorld,
  person: Person,
): Promise<{ account: string | undefined; scopes: string | undefined }> {
  const page = await person.agent.get(world.url('/'));
  assert.equal(
    connectionStatusOf(page.body),
    'connected',
    `the home page says connected:\n${page.body.slice(0, 1000)}`,
  );
  return { account: textOfElementWith(page.body, 'data-account'), scopes: textOfElementWith(page.body, 'data-scopes') };
}

Then(
  '{person} is connected to the account {string}',
  async function (this: ConformanceWorld, person: Person, name: string) {
    const view = await connectionView(this, person);
    assert.equal(view.status, 'connected', `${person.name}'s connection: ${JSON.stringify(view)}`);
    assert.equal(view.account?.name, name);
    await connectedHomePage(this, person);
  },
);

Then('her/his connection has the scopes {string}', async function (this: ConformanceWorld, scopes: string) {
  const view = await connectionView(this, this.people.subject);
  assert.deepEqual([...view.scopes].sort(), scopes.split(' ').sort());
});

// Contract 3.1: the account's display name as the text of `data-account`; the granted scopes, space-separated
// in the order granted, as the text of `data-scopes`.
Then(
  'her/his home page names the account {string} and the scopes {string}',
  async function (this: ConformanceWorld, name: string, scopes: string) {
    const page = await connectedHomePage(this, this.people.subject);
    assert.equal(page.account, name, 'contract 3.1: the text of the element with data-account');
    assert.equal(page.scopes, scopes, 'contract 3.1: the text of the element with data-scopes');
  },
);

Then(
  'her/his access token and refresh token are stored encrypted with the key {string}',
  async function (this: ConformanceWorld, kid: string) {
    const person = this.people.subject;
    const connection = await this.inProcess.storeForChecks().then((store) => store.findConnection(person.username));
    assert.ok(connection?.sealedRefreshToken, 'a refresh token is stored');
    const cipher = new TokenCipher(this.inProcess.config.tokenEncryptionKeys);
    for (const [field, sealed] of [
      ['access_token', connection.sealedAccessToken],
      ['refresh_token', connection.sealedRefreshToken],
    ] as const) {
      assert.equal(TokenCipher.keyIdOf(sealed), kid);
      const token = cipher.decrypt(sealed, tokenContext(person.username, field));
      assert.ok(!sealed.includes(token), `${field} is not stored in the clear`);
      assert.throws(
        () => cipher.decrypt(sealed, tokenContext('someone-else', field)),
        'a ciphertext is bound to its user',
      );
    }
  },
);

Then(
  'the provider confirms the access token it issued is active for {account}',
  async function (this: ConformanceWorld, account: string) {
    const person = this.people.subject;
    const { accessToken } = person.tokensAtConnect;
    const state = await this.provider.tokenState(accessToken);
    assert.equal(state.active, true, 'the provider holds the access token it issued as active');
    assert.equal(state.username, account);
    assert.equal(state.clientId, this.provider.client.client_id);
    // Ours keeps exactly that token.
    if (this.can('store'))
      assert.equal(
        (await this.store.tokens(person.username)).accessToken,
        accessToken,
        'the stored access token is the one issued',
      );
  },
);

Then('her/his connection status shows no token, code or secret', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const tokens = person.tokensAtConnect;
  assert.ok(tokens.refreshToken, 'the provider issued a refresh token');
  const secrets = [
    tokens.accessToken,
    tokens.refreshToken,
    ...this.sut.knownSecrets(),
    new URL(person.callbackUrl ?? '').searchParams.get('code') ?? '',
  ];
  for (const path of ['/api/connection', '/']) {
    const body = (await person.agent.get(this.url(path))).body;
    for (const secret of secrets.filter(Boolean)) assert.ok(!body.includes(secret), `${path} shows no secret`);
  }
});

Then('{person} lands on {string}', function (this: ConformanceWorld, person: Person, path: string) {
  const response = person.response;
  assert.ok(
    response && [302, 303].includes(response.statusCode),
    `a redirect, got ${response?.statusCode}: ${response?.body.slice(0, 300)}`,
  );
  assert.equal(new URL(response.headers.location ?? '', this.url('/')).href, this.url(path));
});

When('{person}, who is not signed in, starts connecting', async function (this: ConformanceWorld, person: Person) {
  await startConnecting(this, person);
});

Then('{person} is refused with {code}', function (this: ConformanceWorld, person: Person, code: string) {
  assertRefused(person.response, code);
});
