import { strict as assert } from 'node:assert';
import { Then, When } from '@cucumber/cucumber';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

When('{person} lists her/his databases {int} times at once', async function (this: ConformanceWorld, person: string, times: number) {
  const agent = this.actor(person).agent;
  const calls = Array.from({ length: times }, () => agent.get(this.url('/api/databases'), { accept: 'application/json' }));
  this.notes.set('responses', await Promise.all(calls));
});

When(
  '{person} and {person} each list their databases {int} times at once',
  async function (this: ConformanceWorld, first: string, second: string, times: number) {
    const calls = [first, second].flatMap((person) =>
      Array.from({ length: times }, () => this.actor(person).agent.get(this.url('/api/databases'), { accept: 'application/json' })),
    );
    this.notes.set('responses', await Promise.all(calls));
  },
);

Then('all {int} calls see the databases {string}', function (this: ConformanceWorld, count: number, names: string) {
  const responses = this.notes.get('responses') as HttpResponse[];
  assert.equal(responses.length, count);
  for (const response of responses) {
    assert.equal(response.statusCode, 200, response.body);
    const body = JSON.parse(response.body) as { databases: Array<{ name: string }> };
    assert.deepEqual(body.databases.map((database) => database.name), names.split(', '));
  }
});

Then('every call succeeded', function (this: ConformanceWorld) {
  for (const response of this.notes.get('responses') as HttpResponse[]) assert.equal(response.statusCode, 200, response.body);
});

Then(
  'the vendor API received {int} calls, all with her/his new access token',
  async function (this: ConformanceWorld, count: number) {
    const { accessToken } = await this.storedTokens(this.lastPerson as string);
    const calls = this.mock.requests.to('resource');
    assert.equal(calls.length, count);
    assert.ok(calls.every((call) => call.bearerToken === accessToken && call.status === 200));
  },
);
