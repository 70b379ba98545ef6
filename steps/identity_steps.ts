import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Given, Then, When } from '@cucumber/cucumber';
import { got, type Response } from 'got';
import type { ConformanceWorld } from './support/world';

/** What the trusted-header scenarios remember between steps. */
interface ProxyScene {
  header: string;
  users: Map<string, string>;
  answer?: Response<string>;
  state?: string;
}

const scenes = new WeakMap<ConformanceWorld, ProxyScene>();

function scene(world: ConformanceWorld): ProxyScene {
  const found = scenes.get(world);
  assert.ok(found, 'the integration takes its users from a header in this scenario');
  return found;
}

/** The scenario's own id for a named user (D7: unique per scenario). */
function userId(world: ConformanceWorld, name: string): string {
  const { users } = scene(world);
  if (!users.has(name)) users.set(name, `${name}-${randomBytes(4).toString('hex')}`);
  return users.get(name) as string;
}

/** A request as the proxy forwards it: the user's id in the header when `name` is given. */
async function forward(
  world: ConformanceWorld,
  path: string,
  name?: string,
  method: 'GET' | 'POST' = 'GET',
  form?: Record<string, string>,
) {
  const { header } = scene(world);
  const headers: Record<string, string> = { accept: 'application/json', origin: world.origin };
  if (name !== undefined) headers[header] = userId(world, name);
  scene(world).answer = await got(world.url(path), {
    method,
    headers,
    form,
    throwHttpErrors: false,
    followRedirect: false,
  });
  return scene(world).answer as Response<string>;
}

Given(
  'the integration takes its users from the {string} header set by a trusted proxy',
  async function (this: ConformanceWorld, header: string) {
    scenes.set(this, { header, users: new Map() });
    await this.inProcess.reconfigure({ IDENTITY: 'trusted-header', IDENTITY_HEADER: header });
  },
);

When(
  'the proxy asks for the connection status of a user {string}',
  async function (this: ConformanceWorld, name: string) {
    await forward(this, '/api/connection', name);
  },
);

When('a request without the header asks for {string}', async function (this: ConformanceWorld, path: string) {
  await forward(this, path);
});

When(
  'a browser posts the username {string} to the demo sign-in',
  async function (this: ConformanceWorld, name: string) {
    await forward(this, '/session', undefined, 'POST', { username: name });
  },
);

Given(
  'the proxy has started connecting the MySQL account of a user {string}',
  async function (this: ConformanceWorld, name: string) {
    const answer = await forward(this, '/connect', name);
    assert.equal(answer.statusCode, 302, answer.body);
    const state = new URL(answer.headers.location ?? '').searchParams.get('state');
    assert.ok(state, 'the authorization request carries a state');
    scene(this).state = state;
  },
);

When(
  /^the provider's answer to that connect arrives for a user "([^"]+)"(, with a code the provider never issued)?$/,
  async function (this: ConformanceWorld, name: string, _unknownCode?: string) {
    const { state } = scene(this);
    assert.ok(state, 'a connect was started');
    const query = new URLSearchParams({
      state,
      code: randomBytes(16).toString('base64url'),
      iss: this.inProcess.integration.config.issuer,
    });
    await forward(this, `${new URL(this.inProcess.integration.config.redirectUri).pathname}?${query}`, name);
  },
);

Then(
  "the proxy's answer is {int} and says {string}",
  function (this: ConformanceWorld, status: number, connection: string) {
    const { answer } = scene(this);
    assert.equal(answer?.statusCode, status, answer?.body);
    assert.equal((JSON.parse(answer.body) as { status?: string }).status, connection);
  },
);

Then("the proxy's answer is refused with {string}", function (this: ConformanceWorld, code: string) {
  const { answer } = scene(this);
  assert.ok(answer);
  assert.equal((JSON.parse(answer.body) as { error?: string }).error, code, `${answer.statusCode} ${answer.body}`);
  assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, `a 4xx, not ${answer.statusCode}`);
});
