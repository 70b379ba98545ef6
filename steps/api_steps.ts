import { strict as assert } from 'node:assert';

import { Given, Then, When } from '@cucumber/cucumber';

import type { Person } from './support/people';
import { callsScene } from './support/scenes/calls';
import { needed } from './support/scenes/scene';
import { callApi, connect } from './support/tasks';
import type { SiteHeaders } from './support/user-agent';
import type { ConformanceWorld } from './support/world';
import { noteVendorData, qualified } from './vendor_data_steps';

Given(
  '{person} has connected her/his MySQL account as {account}',
  async function (this: ConformanceWorld, person: Person, account: string) {
    const response = await connect(this, person, account);
    assert.ok(
      [302, 303].includes(response.statusCode),
      `connected: ${response.statusCode} ${response.body.slice(0, 300)}`,
    );
    assert.ok(person.issuedAtConnect, 'the provider issued tokens');
    // Ours stores exactly the tokens the provider issued.
    if (this.can('store')) assert.deepEqual(await this.store.tokens(person.username), person.issuedAtConnect);
  },
);

Given('the integration asks only for the scopes {string}', async function (this: ConformanceWorld, scopes: string) {
  await this.inProcess.reconfigure({ SCOPES: scopes });
});

When('{person} lists her/his databases', async function (this: ConformanceWorld, person: Person) {
  await callApi(this, person, '/api/databases');
});

When(
  '{person} lists the tables of {string}',
  async function (this: ConformanceWorld, person: Person, database: string) {
    await callApi(this, person, `/api/databases/${encodeURIComponent(database)}/tables`);
  },
);

When(
  '{person} lists her/his databases and the tables of {string}',
  async function (this: ConformanceWorld, person: Person, database: string) {
    callsScene(this).answers = [
      await callApi(this, person, '/api/databases'),
      await callApi(this, person, `/api/databases/${database}/tables`),
      await callApi(this, person, '/api/connection'),
      await callApi(this, person, '/'),
    ];
  },
);

function namesIn(person: Person, list: 'databases' | 'tables'): string[] {
  const response = person.response;
  assert.equal(
    response?.statusCode,
    200,
    `${person.name}'s answer: ${response?.statusCode} ${response?.body.slice(0, 300)}`,
  );
  const body = JSON.parse(response.body) as Record<string, Array<{ name: string }>>;
  return (body[list] ?? []).map((entry) => entry.name);
}

Then('{person} sees the databases {string}', function (this: ConformanceWorld, person: Person, names: string) {
  assert.deepEqual(namesIn(person, 'databases'), names.split(', '));
});

Then('{person} sees the tables {string}', function (this: ConformanceWorld, person: Person, names: string) {
  assert.deepEqual(namesIn(person, 'tables'), names.split(', '));
});

Then('none of the answers holds her/his access token or refresh token', async function (this: ConformanceWorld) {
  const person = this.people.subject;
  const tokens = person.tokensAtConnect;
  assert.ok(tokens.refreshToken, 'the provider issued a refresh token');
  for (const answer of needed(callsScene(this).answers, 'the answers')) {
    assert.equal(answer.statusCode, 200);
    const whole = answer.body + JSON.stringify(answer.headers);
    assert.ok(!whole.includes(tokens.accessToken), 'no access token');
    assert.ok(!whole.includes(tokens.refreshToken), 'no refresh token');
  }
});

Then('the vendor API received no request', async function (this: ConformanceWorld) {
  assert.equal((await this.provider.requests('resource')).length, 0);
});

When(
  "{sender} posts a row to {string} in {person}'s browser",
  async function (this: ConformanceWorld, from: SiteHeaders, table: string, person: Person) {
    // The row a script of that page would send; what the vendor held before is noted to compare with afterwards.
    await noteVendorData(this);
    const { database, table: tableName } = qualified(table);
    const path = `/api/databases/${encodeURIComponent(database)}/tables/${encodeURIComponent(tableName)}/rows`;
    person.response = await person.agent.postJson(
      this.url(path),
      { values: { name: 'Knave of Hearts', seat: 9 } },
      {},
      from,
    );
    this.lastAnswer = person.response;
  },
);

Then('the vendor API received no insert', async function (this: ConformanceWorld) {
  const inserts = (await this.provider.requests('resource')).filter((request) => request.method === 'POST');
  assert.deepEqual(
    inserts.map((request) => request.path),
    [],
    'no insert reached the vendor',
  );
});
