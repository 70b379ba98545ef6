import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer } from 'node:net';

import { Given, Then, When } from '@cucumber/cucumber';

import { expiryFormat } from '../src/views/home-page';
import type { Person } from './support/people';
import { needed, sceneOf } from './support/scenes/scene';
import { authorizeAtProvider, deliverCallback, signIn, startConnecting } from './support/tasks';
import type { ConformanceWorld } from './support/world';

/** What a started script (the demo, the mock alone) printed, and what QA got from it. */
interface ScriptScene {
  /** What the script printed until it was ready. */
  output?: string;
  /** The answer of the mock's control API to a call QA made. */
  controlAnswer?: Response;
  /** The mock's clock as its control API reported it. */
  mockNow?: string;
}

const scriptScene = sceneOf<ScriptScene>(() => ({}));

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function printed(world: ConformanceWorld): string {
  return needed(scriptScene(world).output, 'what the script printed');
}

Given('the demo is started with "npm start"', async function (this: ConformanceWorld) {
  const environment = { PORT: String(await freePort()), MOCK_PORT: String(await freePort()), LOG_LEVEL: 'warn' };
  scriptScene(this).output = await this.processes.start('dev/demo.ts', environment, 'Sign in to the integration');
  const url = /Integration:\s+(\S+)/.exec(printed(this))?.[1];
  assert.ok(url, 'the integration address is printed');
  this.integrationUrl = url;
});

Then(
  "it prints the integration's address, the provider's address and the accounts {string}",
  function (this: ConformanceWorld, accounts: string) {
    const output = printed(this);
    assert.match(output, /Integration:\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.match(output, /Mock provider:\s+http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(output.includes(accounts));
  },
);

When(
  '{person} signs in to the demo and connects her/his MySQL account as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    await signIn(this, person);
    await startConnecting(this, person);
    const response = await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
    assert.equal(response.statusCode, 303);
  },
);

Given('the mock is started alone with "npm run start:mock"', async function (this: ConformanceWorld) {
  const environment = { MOCK_PORT: String(await freePort()) };
  scriptScene(this).output = await this.processes.start('mock-provider/main.ts', environment, 'accounts:');
});

Then(
  'it prints its issuer, the client id {string}, a client secret and the redirect URI',
  function (this: ConformanceWorld, clientId: string) {
    const output = printed(this);
    assert.match(output, /Issuer: http:\/\/127\.0\.0\.1:\d+/);
    assert.match(output, new RegExp(`client_id:\\s+${clientId}`));
    assert.match(output, /client_secret:\s+[A-Za-z0-9_-]{32}/);
    assert.match(output, /redirect_uri:\s+http:\/\/127\.0\.0\.1:3000\/callback/);
  },
);

Then('its discovery document names that issuer and requires PKCE with S256', async function (this: ConformanceWorld) {
  const issuer = /Issuer: (\S+)/.exec(printed(this))?.[1] as string;
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
  assert.equal(metadata.issuer, issuer);
  assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
  assert.equal(metadata.authorization_response_iss_parameter_supported, true);
});

function issuerOf(world: ConformanceWorld): string {
  return /Issuer: (\S+)/.exec(printed(world))?.[1] as string;
}

When(/^QA posts the fault (\{.*\}) to its control API$/, async function (this: ConformanceWorld, fault: string) {
  scriptScene(this).controlAnswer = await fetch(`${issuerOf(this)}/__control/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: fault,
  });
});

Then(
  'its discovery document answers {int}, then {int}',
  async function (this: ConformanceWorld, first: number, second: number) {
    assert.equal(needed(scriptScene(this).controlAnswer, "the control API's answer").status, 201);
    const url = `${issuerOf(this)}/.well-known/openid-configuration`;
    assert.equal((await fetch(url)).status, first);
    assert.equal((await fetch(url)).status, second);
  },
);

Then(
  'its control API lists {int} requests to discovery, with the statuses {int} and {int}',
  async function (this: ConformanceWorld, count: number, first: number, second: number) {
    const body = (await (await fetch(`${issuerOf(this)}/__control/requests?endpoint=discovery`)).json()) as {
      requests: Array<{ status: number }>;
    };
    assert.equal(body.requests.length, count);
    assert.deepEqual(
      body.requests.map((request) => request.status),
      [first, second],
    );
  },
);

Then('the control API answers {int} {string}', async function (this: ConformanceWorld, status: number, error: string) {
  const response = needed(scriptScene(this).controlAnswer, "the control API's answer");
  assert.equal(response.status, status);
  assert.equal(((await response.json()) as { error: string }).error, error);
});

When("QA moves the mock's clock {int} hours forward", async function (this: ConformanceWorld, hours: number) {
  const response = await fetch(`${issuerOf(this)}/__control/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: hours * 3600 }),
  });
  scriptScene(this).mockNow = ((await response.json()) as { now: string }).now;
});

Then("the mock's clock reads about {int} hours ahead", function (this: ConformanceWorld, hours: number) {
  const ahead = Date.parse(needed(scriptScene(this).mockNow, "the mock's clock")) - Date.now();
  assert.ok(Math.abs(ahead - hours * 3_600_000) < 60_000, `the mock is ${ahead} ms ahead`);
});

// ---- the demo's pages: paging through a table, the access's expiry, the mock's consent page ----

/** What a person saw of the demo page's table, page after page. */
interface PagingScene {
  pages: Array<{ readonly ids: number[]; readonly body: string }>;
}
const paging = new WeakMap<ConformanceWorld, PagingScene>();

/** A cell's text as the page wrote it (the view escapes it). */
const textOf = (cell: string) =>
  cell
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .trim();

/** The `id` column of the page's table of rows. */
function idsOn(body: string): number[] {
  const table = /<table data-rows>([\s\S]*?)<\/table>/.exec(body)?.[1];
  assert.ok(table, `the page shows a table of rows:\n${body.slice(0, 2000)}`);
  const headers = [...table.matchAll(/<th>([\s\S]*?)<\/th>/g)].map((match) => textOf(match[1] ?? ''));
  const column = headers.indexOf('id');
  assert.ok(column >= 0, `the table has an id column: ${headers.join(', ')}`);
  return [...table.matchAll(/<tr data-row>([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells = [...(row[1] ?? '').matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => textOf(cell[1] ?? ''));
    return Number(cells[column]);
  });
}

/** The page's link marked with `attribute`, resolved against the page, or undefined. */
function linkOn(world: ConformanceWorld, body: string, attribute: string): URL | undefined {
  const href = new RegExp(`<a href="([^"]*)" ${attribute}>`).exec(body)?.[1];
  return href === undefined ? undefined : new URL(href.replace(/&amp;/g, '&'), world.url('/'));
}

When(/^(?:she|he) follows its Next page link until there is none$/, async function (this: ConformanceWorld) {
  const person = this.people.subject;
  let page = person.response;
  const scene: PagingScene = { pages: [] };
  paging.set(this, scene);
  for (let count = 0; page && count < 20; count += 1) {
    assert.equal(page.statusCode, 200, `page ${count + 1} answers`);
    scene.pages.push({ ids: idsOn(page.body), body: page.body });
    const next = linkOn(this, page.body, 'data-next-page');
    if (!next) return;
    assert.equal(next.origin, this.origin, 'the Next page link stays on the integration');
    assert.equal(next.pathname, '/', "the Next page link is the integration's own page");
    page = await person.agent.get(next.href);
    person.response = page;
  }
  assert.fail('a Next page link on every one of 20 pages');
});

Then(
  'she/he has seen the rows {int} to {int} of {string} once each, in order, on {int} pages of at most {int}',
  function (this: ConformanceWorld, first: number, last: number, table: string, pages: number, size: number) {
    const scene = paging.get(this);
    assert.ok(scene, 'she followed the Next page links');
    assert.equal(scene.pages.length, pages, 'pages seen');
    for (const page of scene.pages) assert.ok(page.ids.length <= size, `a page shows at most ${size} rows`);
    assert.deepEqual(
      scene.pages.flatMap((page) => page.ids),
      Array.from({ length: last - first + 1 }, (_, index) => first + index),
    );
    assert.match(scene.pages[0]?.body ?? '', new RegExp(`First rows of <code>${table}</code>`));
    assert.match(scene.pages[1]?.body ?? '', new RegExp(`Rows of <code>${table}</code>`));
  },
);

Then('the last page offers the first page and no Next page', function (this: ConformanceWorld) {
  const last = paging.get(this)?.pages.at(-1);
  assert.ok(last, 'she followed the Next page links');
  assert.equal(linkOn(this, last.body, 'data-next-page'), undefined);
  const first = linkOn(this, last.body, 'data-first-page');
  assert.ok(first, 'a First page link');
  assert.equal(first.searchParams.get('after'), null, 'the first page starts at the first row');
});

When(
  "{person} opens the table {string} on the integration's page after the cursor {string}",
  async function (this: ConformanceWorld, person: Person, name: string, after: string) {
    const [database = '', table = ''] = name.split('.');
    const query = new URLSearchParams({ database, table, after });
    person.response = await person.agent.get(this.url(`/?${query.toString()}`));
    this.lastAnswer = person.response;
  },
);

Then('the vendor was asked for no rows', async function (this: ConformanceWorld) {
  const rowsAsked = (await this.provider.requests('resource')).filter((request) => request.path.endsWith('/rows'));
  assert.deepEqual(
    rowsAsked.map((request) => request.path),
    [],
  );
});

When("{person} opens the integration's page", async function (this: ConformanceWorld, person: Person) {
  person.response = await person.agent.get(this.url('/'));
  this.lastAnswer = person.response;
});

Then(
  /^it shows (?:her|his) access expiring in (\d+) minutes, at the local time of the expiry the connection reports$/,
  async function (this: ConformanceWorld, minutes: string) {
    const person = this.people.subject;
    const page = person.response;
    assert.equal(page?.statusCode, 200);
    const status = await person.agent.get(this.url('/api/connection'));
    const expiresAt = (JSON.parse(status.body) as { expires_at: string | null }).expires_at;
    assert.ok(expiresAt, 'the connection reports when its access expires');
    const shown = new RegExp(
      [
        '<dd data-access-expires>\\s*<time datetime="([^"]+)">([^<]+)</time>\\s*',
        '\\(<span\\s+data-expires-in\\s*>\\s*([^<]+?)\\s*</span\\s*>\\)',
      ].join(''),
    ).exec(page.body);
    assert.ok(shown, `the page shows the expiry:\n${/<dl>[\s\S]*<\/dl>/.exec(page.body)?.[0] ?? page.body}`);
    const [, datetime, localTime, relative] = shown;
    assert.equal(datetime, expiresAt, 'the machine-readable instant is the one the connection reports');
    // The time of day in this machine's time zone (the demo's browser and server are one machine).
    assert.equal(localTime, expiryFormat.format(Date.parse(expiresAt)));
    assert.doesNotMatch(page.body, new RegExp(`>${expiresAt.replace(/\./g, '\\.')}<`), 'no raw ISO timestamp as text');
    assert.equal(relative, `in ${minutes} minutes`);
  },
);

Then(
  'the consent page asked for {string} and showed {string} as already granted',
  function (this: ConformanceWorld, asked: string, granted: string) {
    const page = this.people.subject.providerPage?.body ?? '';
    const scopesIn = (list: string) =>
      [...(new RegExp(`<ul ${list}>([\\s\\S]*?)</ul>`).exec(page)?.[1] ?? '').matchAll(/<code>([^<]+)<\/code>/g)]
        .map((match) => match[1])
        .join(' ');
    assert.match(page, /name="decision" value="approve"/, 'the last provider page was the consent page');
    assert.equal(scopesIn('data-asked'), asked, 'asked for now');
    assert.equal(scopesIn('data-granted'), granted, 'already granted');
  },
);
