import { strict as assert } from 'node:assert';
import { Then, When } from '@cucumber/cucumber';
import { tokenContext } from '../src/connection';
import { TokenCipher } from '../src/crypto/token-cipher';
import { subjectOf } from '../mock-provider/accounts';
import { assertRefused } from './support/outcomes';
import { ConformanceWorld } from './support/world';

When('{person} connects her/his MySQL account as {account}', async function (this: ConformanceWorld, person: string, account: string) {
  await this.connect(person, account);
});

When(
  '{person} connects her/his MySQL account as {account}, starting from {string}',
  async function (this: ConformanceWorld, person: string, account: string, returnTo: string) {
    await this.startConnecting(person, returnTo);
    await this.deliverCallback(person, await this.authorizeAtProvider(person, account));
  },
);

Then('{person} is connected to the account {string}', async function (this: ConformanceWorld, person: string, name: string) {
  const actor = this.actor(person);
  const page = await actor.agent.get(this.url('/'));
  assert.match(page.body, /data-connection-status="connected"/, `the status page says connected:\n${page.body}`);
  const status = JSON.parse((await actor.agent.get(this.url('/api/connection'))).body) as { status: string; account: { name: string } };
  assert.equal(status.status, 'connected');
  assert.equal(status.account.name, name);
});

Then('her/his connection has the scopes {string}', async function (this: ConformanceWorld, scopes: string) {
  const actor = this.actor(this.lastPerson as string);
  const status = JSON.parse((await actor.agent.get(this.url('/api/connection'))).body) as { scopes: string[] };
  assert.deepEqual([...status.scopes].sort(), scopes.split(' ').sort());
});

Then(
  'her/his access token and refresh token are stored encrypted with the key {string}',
  async function (this: ConformanceWorld, kid: string) {
    const userId = ConformanceWorld.userIdOf(this.lastPerson as string);
    const connection = await this.storedConnection(this.lastPerson as string);
    assert.ok(connection?.sealedRefreshToken, 'a refresh token is stored');
    const cipher = new TokenCipher(this.config.tokenEncryptionKeys);
    for (const [field, sealed] of [['access_token', connection.sealedAccessToken], ['refresh_token', connection.sealedRefreshToken]] as const) {
      assert.equal(TokenCipher.keyIdOf(sealed), kid);
      const token = cipher.decrypt(sealed, tokenContext(userId, field));
      assert.ok(!sealed.includes(token), `${field} is not stored in the clear`);
      assert.throws(() => cipher.decrypt(sealed, tokenContext('someone-else', field)), 'a ciphertext is bound to its user');
    }
  },
);

Then('the provider confirms the stored access token is active for {account}', async function (this: ConformanceWorld, account: string) {
  const { accessToken } = await this.storedTokens(this.lastPerson as string);
  const token = await this.mock.provider.AccessToken.find(accessToken);
  assert.ok(token, 'the provider knows the stored access token');
  assert.equal(token.accountId, subjectOf(account));
  assert.equal(token.clientId, this.config.clientId);
  assert.ok(!token.isExpired, 'and it is active');
});

Then('her/his connection status shows no token, code or secret', async function (this: ConformanceWorld) {
  const person = this.lastPerson as string;
  const actor = this.actor(person);
  const tokens = await this.storedTokens(person);
  assert.ok(tokens.refreshToken);
  const secrets = [
    tokens.accessToken,
    tokens.refreshToken,
    this.config.clientSecret,
    new URL(actor.callbackUrl as string).searchParams.get('code') as string,
  ];
  for (const path of ['/api/connection', '/']) {
    const body = (await actor.agent.get(this.url(path))).body;
    for (const secret of secrets) assert.ok(!body.includes(secret), `${path} shows no secret`);
  }
});

Then('{person} lands on {string}', function (this: ConformanceWorld, person: string, path: string) {
  const response = this.actor(person).response;
  assert.equal(response?.statusCode, 303);
  assert.equal(response?.headers.location, path);
});

When('{person}, who is not signed in, starts connecting', async function (this: ConformanceWorld, person: string) {
  await this.startConnecting(person);
});

Then('{person} is refused with {code}', function (this: ConformanceWorld, person: string, code: string) {
  assertRefused(this.actor(person).response, code);
});
