/**
 * Incremental authorization (contract 3.7): a write without write access gets
 * the scope it needs and a link; the link asks the provider for the union;
 * approved, the connection holds it; declined, nothing changes. Judged by the
 * contract's routes and what the provider saw, so any integration.
 */
import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';
import type { Page } from 'playwright-core';

import { demoAccounts } from '../mock-provider/accounts';
import { isSeeOther } from './support/expected-status';
import { assertRefused } from './support/outcomes';
import type { Person } from './support/people';
import { authorizationRequestParameters } from './support/security-profile';
import {
  authorizeAtProvider,
  callApi,
  type Decision,
  deliverCallback,
  rememberConnection,
  signOutAtProvider,
} from './support/tasks';
import { UserAgent } from './support/user-agent';
import type { ConformanceWorld } from './support/world';
import { addRow, qualified } from './vendor_data_steps';

/** A row each demo account may write, in a table of its own. */
const sampleWrite: Record<string, { table: string; values: Record<string, unknown> }> = {
  alice: { table: 'tea_party.guests', values: { name: 'Cheshire Cat', seat: 5 } },
  bob: { table: 'builder_yard.tools', values: { name: 'Roley', owner: 'Bob' } },
};

/** The refusal's link to ask for a scope, as the contract's JSON carries it. */
function writeLinkOf(world: ConformanceWorld, person: Person): { scope: string; link: string } {
  const answer = person.response;
  assertRefused(answer, 'insufficient_scope');
  const body = JSON.parse(answer?.body ?? '{}') as { scope?: unknown; connect_url?: unknown };
  assert.equal(typeof body.scope, 'string', 'the refusal names the scope it needs');
  assert.equal(typeof body.connect_url, 'string', 'the refusal carries a link to ask for it');
  const link = new URL(body.connect_url as string, world.url('/'));
  assert.equal(link.origin, world.origin, 'the link stays on the integration');
  return { scope: body.scope as string, link: link.href };
}

/** She tries to write, and follows the link the refusal gives her: the browser is sent to the provider. */
async function followWriteLink(world: ConformanceWorld, person: Person): Promise<void> {
  const sample = sampleWrite[person.account ?? ''];
  assert.ok(sample, `${person.name} has connected a demo account`);
  await addRow(world, person, sample.table, sample.values);
  const { link } = writeLinkOf(world, person);
  person.response = await person.agent.get(link);
  world.lastAnswer = person.response;
  assert.ok(
    [302, 303].includes(person.response.statusCode),
    `the link sends the browser to the provider: ${person.response.statusCode} ${person.response.body.slice(0, 300)}`,
  );
  person.authorizationUrl = UserAgent.location(person.response);
}

/** At the provider (still signed in there), approve or decline; the browser brings the answer back. */
async function answerAtProvider(world: ConformanceWorld, person: Person, decision: Decision): Promise<void> {
  assert.ok(person.account, `${person.name} has connected`);
  const response = await deliverCallback(
    world,
    person,
    await authorizeAtProvider(world, person, person.account, decision),
  );
  if (decision === 'approve') {
    assert.ok(isSeeOther(response.statusCode), `approved: ${response.statusCode} ${response.body.slice(0, 300)}`);
    await rememberConnection(world, person, person.account);
  }
}

async function allowWriting(world: ConformanceWorld, person: Person): Promise<void> {
  await followWriteLink(world, person);
  await answerAtProvider(world, person, 'approve');
}

Given(
  '{person} has allowed the integration to write to her/his databases',
  async function (this: ConformanceWorld, person: Person) {
    await allowWriting(this, person);
  },
);

When(
  '{person} allows the integration to write to her/his databases',
  async function (this: ConformanceWorld, person: Person) {
    await allowWriting(this, person);
  },
);

When('{person} follows the link to allow writing', async function (this: ConformanceWorld, person: Person) {
  await followWriteLink(this, person);
});

When(
  '{person} follows the link to allow writing, and declines at the provider',
  async function (this: ConformanceWorld, person: Person) {
    await followWriteLink(this, person);
    await answerAtProvider(this, person, 'deny');
  },
);

When(
  '{person} follows the link to allow writing, and approves at the provider as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    await followWriteLink(this, person);
    await signOutAtProvider(this, person);
    await deliverCallback(this, person, await authorizeAtProvider(this, person, account));
  },
);

When(
  '{person} asks to grant the scope {string}',
  async function (this: ConformanceWorld, person: Person, scope: string) {
    rememberedAuthorizations.set(this, (await this.provider.requests('authorization')).length);
    person.response = await person.agent.get(this.url(`/connect?scope=${encodeURIComponent(scope)}`));
    this.lastAnswer = person.response;
  },
);

const rememberedAuthorizations = new WeakMap<ConformanceWorld, number>();

Then('the answer names the scope {string} and a link to ask for it', function (this: ConformanceWorld, scope: string) {
  const person = this.people.subject;
  const { scope: named, link } = writeLinkOf(this, person);
  assert.equal(named, scope);
  const url = new URL(link);
  assert.equal(url.pathname, '/connect', 'the link starts a connect');
  assert.ok((url.searchParams.get('scope') ?? '').split(' ').includes(scope), 'the link asks for that scope');
});

Then('the provider is asked for the scopes {string}', async function (this: ConformanceWorld, scopes: string) {
  const person = this.people.subject;
  assert.ok(person.authorizationUrl, 'the browser was sent to the provider');
  // In the URL, or in the request the integration pushed (PAR, RFC 9126) when the URL names only that.
  const asked = (await authorizationRequestParameters(this.provider, person.authorizationUrl)).get('scope');
  assert.ok(asked !== null, 'the authorization request names its scopes');
  assert.deepEqual(asked.split(' ').sort(), scopes.split(' ').sort());
});

Then('no new authorization request is made', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  assert.ok(
    ![301, 302, 303, 307, 308].includes(person.response?.statusCode ?? 0),
    'the browser is not sent to the provider',
  );
  assert.equal(
    (await this.provider.requests('authorization')).length,
    rememberedAuthorizations.get(this),
    'the provider saw no new authorization request',
  );
});

Then('she/he still reads the rows of {string}', async function (this: ConformanceWorld, name: string) {
  const person = this.people.subject;
  const { database, table } = qualified(name);
  const answer = await callApi(
    this,
    person,
    `/api/databases/${encodeURIComponent(database)}/tables/${encodeURIComponent(table)}/rows`,
  );
  assert.equal(answer.statusCode, 200, `reading: ${answer.statusCode} ${answer.body.slice(0, 300)}`);
  assert.ok(((JSON.parse(answer.body) as { rows?: unknown[] }).rows ?? []).length > 0, 'rows are read');
});

// ---- the demo page in a real browser (ours) ----

function browserPage(world: ConformanceWorld): Page {
  assert.ok(world.page, 'a browser page (tag the scenario @browser)');
  return world.page;
}

When(
  /^(?:she|he) allows writing from the page of "([^"]+)", signing in at the provider as (\w+) and approving$/,
  async function (this: ConformanceWorld, name: string, account: string) {
    const tab = browserPage(this);
    const { database, table } = qualified(name);
    await tab.goto(this.url(`/?database=${encodeURIComponent(database)}&table=${encodeURIComponent(table)}`));
    await tab.waitForSelector('[data-rows]');
    await tab.click('[data-write-access] a');
    await tab.waitForURL((url) => url.href.startsWith(this.provider.issuer));
    if (await tab.locator('input[name="password"]').count()) {
      await tab.fill('input[name="username"]', account);
      await tab.fill(
        'input[name="password"]',
        demoAccounts.find((candidate) => candidate.username === account)?.password ?? '',
      );
      await tab.click('button[type="submit"]');
    }
    await tab.click('button[value="approve"]');
    await tab.waitForURL((url) => url.href.startsWith(this.url('/')));
    await tab.waitForSelector('[data-insert-form]');
  },
);

When(
  /^(?:she|he) adds the guest "([^"]+)" at seat (\d+) with the page's form$/,
  async function (this: ConformanceWorld, guest: string, seat: number | string) {
    const tab = browserPage(this);
    await tab.fill('[data-insert-form] input[name="name"]', guest);
    await tab.fill('[data-insert-form] input[name="seat"]', String(seat));
    await tab.click('[data-insert-form] button[type="submit"]');
    await tab.waitForLoadState('load');
  },
);

Then(
  /^(?:her|his) browser shows "([^"]+)" in the last row of "([^"]+)"$/,
  async function (this: ConformanceWorld, value: string, table: string) {
    const tab = browserPage(this);
    assert.match((await tab.textContent('h2:has-text("First rows of")')) ?? '', new RegExp(table));
    assert.ok(
      (await tab.locator('[data-rows] tbody tr').last().textContent())?.includes(value),
      `the last row shows "${value}"`,
    );
  },
);
