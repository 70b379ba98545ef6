import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';

import { Given, Then, When } from '@cucumber/cucumber';

import { got, type Response } from './support/http';
import { callsScene } from './support/scenes/calls';
import type { ConformanceWorld } from './support/world';

/**
 * The proxy's address, the only one in TRUSTED_PROXY_ADDRESSES; another loopback address stands for any other client.
 */
const proxyAddress = '127.0.0.1';
const otherAddress = '127.0.0.2';

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

/** The scenario's own id for a named user (docs/decisions.md, `harness-unique-people`). */
function userId(world: ConformanceWorld, name: string): string {
  const { users } = scene(world);
  if (!users.has(name)) users.set(name, `${name}-${randomBytes(4).toString('hex')}`);
  return users.get(name) as string;
}

/**
 * A request as the proxy forwards it, from the proxy's address: the user's id
 * in the header when `name` is given. `from` another address: a client that
 * reaches the integration without the proxy, with `extra` headers of its own.
 */
async function forward(
  world: ConformanceWorld,
  path: string,
  name?: string,
  method: 'GET' | 'POST' = 'GET',
  form?: Record<string, string>,
  from: string = proxyAddress,
  extra: Record<string, string> = {},
) {
  const { header } = scene(world);
  const headers: Record<string, string> = { accept: 'application/json', origin: world.origin, ...extra };
  if (name !== undefined) headers[header] = userId(world, name);
  scene(world).answer = await got(world.url(path), {
    method,
    headers,
    form,
    localAddress: from,
    throwHttpErrors: false,
    followRedirect: false,
  });
  return scene(world).answer as Response<string>;
}

Given(
  'the integration takes its users from the {string} header set by a trusted proxy',
  async function (this: ConformanceWorld, header: string) {
    scenes.set(this, { header, users: new Map() });
    await this.inProcess.reconfigure({
      IDENTITY: 'trusted-header',
      IDENTITY_HEADER: header,
      TRUSTED_PROXY_ADDRESSES: proxyAddress,
    });
  },
);

Given('the integration believes the X-Forwarded-For its proxy appends', async function (this: ConformanceWorld) {
  await this.inProcess.reconfigure({ TRUST_PROXY: 'true' });
});

When(
  /^a client at another address than the proxy's asks for "([^"]+)" as a user "([^"]+)"( claiming in X-Forwarded-For to be the proxy)?$/,
  async function (this: ConformanceWorld, path: string, name: string, claimsProxy?: string) {
    const extra: Record<string, string> = claimsProxy ? { 'x-forwarded-for': proxyAddress } : {};
    await forward(this, path, name, 'GET', undefined, otherAddress, extra);
  },
);

When(
  "a client at another address than the proxy's asks for {string} without the header",
  async function (this: ConformanceWorld, path: string) {
    await forward(this, path, undefined, 'GET', undefined, otherAddress);
  },
);

When(
  '{int} users each start connecting their MySQL account {int} times through the proxy',
  async function (this: ConformanceWorld, users: number, times: number) {
    const answers: Array<Response<string>> = [];
    for (let user = 1; user <= users; user += 1)
      for (let attempt = 0; attempt < times; attempt += 1) answers.push(await forward(this, '/connect', `user${user}`));
    callsScene(this).answers = answers;
  },
);

Then('every one of those connects was sent to the provider', function (this: ConformanceWorld) {
  const answers = callsScene(this).answers ?? [];
  assert.ok(answers.length > 0, 'connects were made');
  for (const [index, answer] of answers.entries()) {
    assert.equal(answer.statusCode, 302, `connect ${index + 1}: ${answer.statusCode} ${answer.body}`);
    assert.ok(
      answer.headers.location?.startsWith(this.provider.issuer),
      `connect ${index + 1} goes to the provider: ${answer.headers.location}`,
    );
  }
});

When('another user starts connecting her MySQL account through the proxy', async function (this: ConformanceWorld) {
  await forward(this, '/connect', 'another-user');
});

Then("the proxy's answer sends her to the provider", function (this: ConformanceWorld) {
  const { answer } = scene(this);
  assert.ok(answer);
  assert.equal(answer.statusCode, 302, `${answer.statusCode} ${answer.body}`);
  assert.ok(answer.headers.location?.startsWith(this.provider.issuer), `to the provider: ${answer.headers.location}`);
});

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
  "the provider's answer to that connect arrives for a user {string}, with a code the provider never issued",
  async function (this: ConformanceWorld, name: string) {
    const { state } = scene(this);
    assert.ok(state, 'a connect was started');
    const query = new URLSearchParams({
      state,
      // Random: a code the provider never issued, which only its token endpoint can tell apart from a real one.
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
