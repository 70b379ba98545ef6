import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import type { ConformanceWorld } from './support/world';

Given('{person} has connected her/his MySQL account as {account}', async function (this: ConformanceWorld, person: string, account: string) {
  const response = await this.connect(person, account);
  assert.equal(response.statusCode, 303, `connected: ${response.body.slice(0, 300)}`);
  this.notes.set(`tokens:${person}`, await this.storedTokens(person));
});

Given('the integration asks only for the scopes {string}', async function (this: ConformanceWorld, scopes: string) {
  await this.reconfigure({ SCOPES: scopes });
});

When('{person} lists her/his databases', async function (this: ConformanceWorld, person: string) {
  await this.callApi(person, '/api/databases');
});

When('{person} lists the tables of {string}', async function (this: ConformanceWorld, person: string, database: string) {
  await this.callApi(person, `/api/databases/${encodeURIComponent(database)}/tables`);
});

When('{person} lists her/his databases and the tables of {string}', async function (this: ConformanceWorld, person: string, database: string) {
  const answers = [
    await this.callApi(person, '/api/databases'),
    await this.callApi(person, `/api/databases/${database}/tables`),
    await this.callApi(person, '/api/connection'),
    await this.callApi(person, '/'),
  ];
  this.notes.set('answers', answers);
});

Then('{person} sees the databases {string}', function (this: ConformanceWorld, person: string, names: string) {
  const response = this.actor(person).response;
  assert.equal(response?.statusCode, 200, response?.body);
  const body = JSON.parse(response.body) as { databases: Array<{ name: string }> };
  assert.deepEqual(body.databases.map((database) => database.name), names.split(', '));
});

Then('{person} sees the tables {string}', function (this: ConformanceWorld, person: string, names: string) {
  const response = this.actor(person).response;
  assert.equal(response?.statusCode, 200, response?.body);
  const body = JSON.parse(response.body) as { tables: Array<{ name: string }> };
  assert.deepEqual(body.tables.map((table) => table.name), names.split(', '));
});

Then('none of the answers holds her/his access token or refresh token', async function (this: ConformanceWorld) {
  const tokens = await this.storedTokens(this.lastPerson as string);
  const answers = this.notes.get('answers') as Array<{ statusCode: number; body: string; headers: Record<string, unknown> }>;
  for (const answer of answers) {
    assert.equal(answer.statusCode, 200);
    const whole = answer.body + JSON.stringify(answer.headers);
    assert.ok(!whole.includes(tokens.accessToken), 'no access token');
    assert.ok(!whole.includes(tokens.refreshToken as string), 'no refresh token');
  }
});

Then('the vendor API received no request', function (this: ConformanceWorld) {
  assert.equal(this.mock.requests.to('resource').length, 0);
});
