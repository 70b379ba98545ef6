/**
 * The steps of features/provider/our-integration.feature: our integration, started against the provider under
 * test (our-integration.ts), driven over HTTP as a person's browser would, through the provider's own pages
 * (the login driver PROVIDER_LOGIN names). Each step asserts what a person or the provider can observe: the
 * integration's answers (contract 3.4, 3.5, 5.7), what the vendor API or userinfo answered for the access token
 * the integration sent (the tap), and, after Disconnect, what the provider says of that token.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { AfterAll, Given, Then, When } from '@cucumber/cucumber';

import { authorizeThroughPages } from './login-driver';
import { OurIntegration, ourIntegrationSettings, type TappedCall, Visitor } from './our-integration';
import { reportFact } from './provider-report';
import { describeOutcome, type ProviderWorld } from './world';

let started: Promise<OurIntegration> | undefined;

AfterAll(async function () {
  if (started) await (await started.catch(() => undefined))?.stop();
});

interface Scene {
  integration: OurIntegration;
  visitor: Visitor;
  /** The person's username at our integration: their user id (contract 3.2). */
  username?: string;
  /** The tap's calls before this scenario's last action. */
  callsBefore: number;
  connection?: Record<string, unknown>;
  databases?: Record<string, unknown>;
  disconnectAnswer?: Record<string, unknown>;
}
const scenes = new WeakMap<ProviderWorld, Scene>();

function sceneOf(world: ProviderWorld): Scene {
  const scene = scenes.get(world);
  if (!scene) throw new Error('our integration did not start in this scenario (see its first step)');
  return scene;
}

/** The calls the tap saw since the scene's mark, carrying an access token. */
const callsSince = (scene: Scene): TappedCall[] =>
  scene.integration.tap.calls.slice(scene.callsBefore).filter((call) => call.accessToken !== undefined);

const describeCalls = (calls: readonly TappedCall[]) =>
  calls.map((call) => `${call.method} ${call.path}: the provider answered ${call.upstreamStatus}`).join('; ') || 'none';

Given('our integration, started against this provider', async function (this: ProviderWorld) {
  const settings = ourIntegrationSettings();
  if (!settings)
    return this.skip(
      'INTEGRATION_REDIRECT_URI is not set: register a second redirect URI for the client, where our integration listens (docs/provider-mode.md)',
    );
  started ??= OurIntegration.start(this.client.settings, this.metadata, settings);
  const integration = await started;
  scenes.set(this, { integration, visitor: new Visitor(integration.url), callsBefore: integration.tap.calls.length });
  return undefined;
});

async function signIn(scene: Scene): Promise<void> {
  scene.username = `carol-${randomBytes(4).toString('hex')}`;
  const answer = await scene.visitor.request('POST', '/session', { form: { username: scene.username } });
  assert.equal(answer.status, 303, `contract 3.2: the demo sign-in answered ${answer.status}`);
}

async function connectionOf(scene: Scene): Promise<Record<string, unknown>> {
  const answer = await scene.visitor.request('GET', '/api/connection', { json: true });
  assert.equal(answer.status, 200, `contract 3.4: GET /api/connection answered ${answer.status}`);
  assert.ok(answer.json);
  return answer.json;
}

/** Connect (contract 5.1, 5.2): our integration's authorization request, the provider's pages, our callback. */
async function connect(world: ProviderWorld, scene: Scene): Promise<void> {
  const connect = await scene.visitor.request('GET', '/connect');
  assert.ok(
    [302, 303].includes(connect.status) && connect.location,
    `contract 5.1: GET /connect answered ${connect.status}`,
  );
  const authorizationUrl = new URL(connect.location);
  const endpoint = new URL(world.client.endpoint('authorization_endpoint'));
  assert.equal(
    authorizationUrl.origin + authorizationUrl.pathname,
    endpoint.origin + endpoint.pathname,
    "contract 5.1: Connect sends the person to the provider's authorization endpoint (from discovery)",
  );
  const outcome = await authorizeThroughPages(authorizationUrl, world.client.settings, {
    redirectUri: scene.integration.redirectUri,
    deliver: false,
  });
  assert.ok(
    outcome.kind === 'redirect',
    `the provider's pages did not send the person back to our integration: ${describeOutcome({ request: { pkce: 'S256' }, redirectUri: scene.integration.redirectUri, verifier: '', state: '', nonce: '', outcome })}`,
  );
  const registered = new URL(scene.integration.redirectUri);
  assert.equal(
    outcome.url.origin + outcome.url.pathname,
    registered.origin + registered.pathname,
    'the provider sent the person to another address than our redirect URI',
  );
  assert.ok(
    outcome.url.searchParams.get('code'),
    `the provider answered with an error: ${outcome.url.searchParams.get('error') ?? '(no code, no error)'}`,
  );
  const callback = await scene.visitor.request('GET', outcome.url.pathname + outcome.url.search);
  assert.equal(
    callback.status,
    303,
    `contract 5.2: our callback answered ${callback.status} ${/data-error-code="([^"]+)"/.exec(callback.text)?.[1] ?? ''} (its log: ${scene.integration.logFile})`,
  );
  assert.equal(callback.location, '/', 'contract 5.2: the callback sends the person home');
}

Given('a person signed in to our integration', async function (this: ProviderWorld) {
  await signIn(sceneOf(this));
});

When("they connect through the provider's pages", async function (this: ProviderWorld) {
  await connect(this, sceneOf(this));
});

Then("our integration shows them connected to this provider's account", async function (this: ProviderWorld) {
  const scene = sceneOf(this);
  const connection = await connectionOf(scene);
  assert.equal(connection.status, 'connected', `contract 3.4: /api/connection says ${String(connection.status)}`);
  const account = connection.account as Record<string, unknown> | null;
  assert.ok(account, 'contract 3.4: a connected account');
  assert.equal(account.issuer, this.metadata.issuer, "contract 3.4: account.issuer is the provider's issuer");
  assert.ok(typeof account.subject === 'string' && account.subject !== '', 'contract 3.4: account.subject');
  const scopes = connection.scopes as string[];
  assert.ok(Array.isArray(scopes), 'contract 3.4: the scopes granted, an array');
  // The token response's scope (RFC 6749 5.1), or the scopes asked for when it has none: what the provider granted.
  const asked = scene.integration.scopes.split(' ');
  reportFact(
    'integration.scopes',
    asked.every((scope) => scopes.includes(scope)) ? 'those asked for' : 'others than asked for',
    `asked: ${asked.join(' ')}; granted: ${scopes.join(' ') || '(none)'}`,
  );
  reportFact(
    'integration.account-name',
    typeof account.name === 'string' && account.name !== '' ? 'a display name' : 'no display name',
  );
  const home = await scene.visitor.request('GET', '/');
  assert.equal(home.status, 200, `contract 3.1: the home page answered ${home.status}`);
  assert.match(home.text, /data-connection-status="connected"/, 'contract 3.1: the home page shows the connection');
});

Given('a person connected through our integration', async function (this: ProviderWorld) {
  const scene = sceneOf(this);
  await signIn(scene);
  await connect(this, scene);
  scene.connection = await connectionOf(scene);
  assert.equal(
    scene.connection.status,
    'connected',
    `contract 3.4: /api/connection says ${String(scene.connection.status)}`,
  );
  scene.callsBefore = scene.integration.tap.calls.length;
});

async function listDatabases(scene: Scene): Promise<void> {
  const answer = await scene.visitor.request('GET', '/api/databases', { json: true });
  assert.equal(
    answer.status,
    200,
    `contract 3.5: GET /api/databases answered ${answer.status} ${String(answer.json?.error)}; the API calls: ${describeCalls(callsSince(scene))}`,
  );
  scene.databases = answer.json;
}

When('they list their databases', async function (this: ProviderWorld) {
  await listDatabases(sceneOf(this));
});

Given('a person connected through our integration, who listed their databases', async function (this: ProviderWorld) {
  const scene = sceneOf(this);
  await signIn(scene);
  await connect(this, scene);
  scene.connection = await connectionOf(scene);
  scene.callsBefore = scene.integration.tap.calls.length;
  await listDatabases(scene);
  assert.ok(callsSince(scene).at(-1)?.upstreamStatus === 200, `the API calls: ${describeCalls(callsSince(scene))}`);
  scene.callsBefore = scene.integration.tap.calls.length - 1;
});

Then(
  "our integration answers with what the provider's API gave for the stored access token",
  function (this: ProviderWorld) {
    const scene = sceneOf(this);
    const calls = callsSince(scene);
    assert.equal(calls.length, 1, `one call of the API with an access token, not: ${describeCalls(calls)}`);
    const [call] = calls as [TappedCall];
    assert.equal(call.upstreamStatus, 200, `the provider's API refused our access token: ${describeCalls(calls)}`);
    const databases = scene.databases?.databases;
    assert.ok(Array.isArray(databases) && databases.length > 0, 'contract 3.5: the databases, as the API listed them');
    if (call.subject !== undefined) {
      // No vendor API: userinfo answered for our access token; its sub is the connected account's (OIDC Core 5.3.2).
      const account = scene.connection?.account as Record<string, unknown> | undefined;
      assert.deepEqual(databases, [{ name: call.subject }], "contract 3.5: the stand-in's answer, passed on");
      assert.equal(call.subject, account?.subject, "userinfo's sub for our access token is the connected account's");
    }
  },
);

When('the access token is due, and they list their databases again', async function (this: ProviderWorld) {
  const scene = sceneOf(this);
  const expiresAt = scene.connection?.expires_at;
  if (typeof expiresAt !== 'string')
    return this.skip('the provider sent no expires_in (contract 3.4: expires_at is null), so no refresh is ever due');
  // Past the access token's expiry on our integration's clock (contract 9.1), margin and all.
  const now = await scene.integration.advanceClock(0);
  await scene.integration.advanceClock(Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000)) + 1);
  await listDatabases(scene);
  return undefined;
});

Then("our integration refreshed it: the provider's API took a new access token", async function (this: ProviderWorld) {
  const scene = sceneOf(this);
  const calls = callsSince(scene);
  assert.ok(calls.length >= 2, `the API calls: ${describeCalls(calls)}`);
  const [before, after] = [calls[0] as TappedCall, calls.at(-1) as TappedCall];
  const logged = await scene.integration.logged(scene.username as string);
  assert.ok(
    logged.includes('tokens refreshed'),
    `contract 5.5: no refresh in our integration's log: ${logged.join(', ')}`,
  );
  // A provider may issue the very same string again (a JWT of the same claims within one second): reported.
  reportFact(
    'integration.refresh.access-token',
    after.accessToken === before.accessToken ? 'the same string again' : 'a new one',
  );
  assert.equal(after.upstreamStatus, 200, `the provider refused the refreshed access token: ${describeCalls(calls)}`);
  const connection = await connectionOf(scene);
  assert.equal(connection.status, 'connected', `contract 3.4: /api/connection says ${String(connection.status)}`);
  assert.ok(
    Date.parse(String(connection.expires_at)) > Date.parse(String(scene.connection?.expires_at)),
    'contract 3.4: expires_at moved on with the refreshed access token',
  );
});

When('they disconnect', async function (this: ProviderWorld) {
  const scene = sceneOf(this);
  const answer = await scene.visitor.request('POST', '/disconnect', { json: true });
  assert.equal(answer.status, 200, `contract 5.7: POST /disconnect answered ${answer.status}`);
  scene.disconnectAnswer = answer.json;
});

Then(
  'our integration shows them not connected, and says whether the revocation is done',
  async function (this: ProviderWorld) {
    const scene = sceneOf(this);
    assert.equal(scene.disconnectAnswer?.status, 'not_connected', 'contract 5.7');
    // Contract 5.7: "done" where the provider offers revocation and confirmed it; "not_offered" where it offers none.
    const offered = Boolean(this.metadata.revocation_endpoint);
    assert.equal(
      scene.disconnectAnswer?.revocation,
      offered ? 'done' : 'not_offered',
      offered
        ? `contract 5.7: the provider did not confirm the revocation (its log: ${scene.integration.logFile})`
        : 'contract 5.7: discovery advertises no revocation_endpoint, so the answer must say "not_offered"',
    );
    const connection = await connectionOf(scene);
    assert.equal(connection.status, 'not_connected', 'contract 3.4: the connection is forgotten');
    const again = await scene.visitor.request('GET', '/api/databases', { json: true });
    assert.equal(again.status, 409, `contract 3.5: the databases after Disconnect answered ${again.status}`);
  },
);

Then(
  'the provider refuses the access token our integration held, where it offers revocation',
  async function (this: ProviderWorld) {
    const scene = sceneOf(this);
    const held = callsSince(scene)[0]?.accessToken;
    assert.ok(held, 'the access token our integration sent to the API');
    const settings = ourIntegrationSettings();
    const answer = settings?.apiBaseUrl
      ? await fetch(`${settings.apiBaseUrl.replace(/\/$/, '')}/databases`, {
          headers: { authorization: `Bearer ${held}` },
        })
      : await fetch(this.client.endpoint('userinfo_endpoint'), { headers: { authorization: `Bearer ${held}` } });
    const still = answer.status === 200;
    const where = settings?.apiBaseUrl ? 'the vendor API' : 'userinfo';
    if (!this.metadata.revocation_endpoint) {
      reportFact(
        'integration.revoked-access',
        still
          ? 'no revocation endpoint: the access token still works'
          : `no revocation endpoint: refused (${answer.status})`,
        `our integration answered revocation: ${String(scene.disconnectAnswer?.revocation)}`,
      );
      return this.skip(
        `discovery advertises no revocation_endpoint: our integration could not revoke, and answered revocation: ${String(scene.disconnectAnswer?.revocation)}; ${where} answers ${answer.status} to the access token it held`,
      );
    }
    reportFact(
      'integration.revoked-access',
      still ? 'still accepted' : 'refused',
      `${where} answered ${answer.status}`,
    );
    assert.ok(!still, `RFC 7009 2.1: the provider confirmed the revocation, and ${where} still takes the access token`);
    return undefined;
  },
);
