import { strict as assert } from 'node:assert';

import { Then, When } from '@cucumber/cucumber';

import type { Person } from './support/people';
import { callsScene } from './support/scenes/calls';
import { needed, sceneOf } from './support/scenes/scene';
import { lastIssued } from './support/tasks';
import type { HttpResponse } from './support/user-agent';
import type { ConformanceWorld } from './support/world';

/** What the concurrency steps remember. */
interface ConcurrencyScene {
  /** The answers of several people's calls, each person's in order. */
  answersByPerson?: Map<Person, HttpResponse[]>;
}

const concurrencyScene = sceneOf<ConcurrencyScene>(() => ({}));

function listDatabases(world: ConformanceWorld, person: Person, times: number): Array<Promise<HttpResponse>> {
  return Array.from({ length: times }, () =>
    person.agent.get(world.url('/api/databases'), { accept: 'application/json' }),
  );
}

function databaseNames(response: HttpResponse): string[] {
  assert.equal(response.statusCode, 200, response.body.slice(0, 300));
  return (JSON.parse(response.body) as { databases: Array<{ name: string }> }).databases.map(
    (database) => database.name,
  );
}

When(
  '{person} lists her/his databases {int} times at once',
  async function (this: ConformanceWorld, person: Person, times: number) {
    callsScene(this).answers = await Promise.all(listDatabases(this, person, times));
  },
);

When(
  '{person} and {person} each list their databases {int} times at once',
  async function (this: ConformanceWorld, first: Person, second: Person, times: number) {
    const [firsts, seconds] = await Promise.all([
      Promise.all(listDatabases(this, first, times)),
      Promise.all(listDatabases(this, second, times)),
    ]);
    concurrencyScene(this).answersByPerson = new Map([
      [first, firsts],
      [second, seconds],
    ]);
    callsScene(this).answers = [...firsts, ...seconds];
  },
);

Then('all {int} calls see the databases {string}', function (this: ConformanceWorld, count: number, names: string) {
  const answers = needed(callsScene(this).answers, 'the calls');
  assert.equal(answers.length, count);
  for (const answer of answers) assert.deepEqual(databaseNames(answer), names.split(', '));
});

Then(
  /^every call of (\w+)'s sees "([^"]+)" and every call of (\w+)'s sees "([^"]+)"$/,
  function (this: ConformanceWorld, first: string, firstNames: string, second: string, secondNames: string) {
    const byPerson = needed(concurrencyScene(this).answersByPerson, "each person's calls");
    for (const [name, names] of [
      [first, firstNames],
      [second, secondNames],
    ] as Array<[string, string]>) {
      const answers = byPerson.get(this.people.get(name));
      assert.ok(answers?.length, `${name} made calls`);
      for (const answer of answers)
        assert.deepEqual(databaseNames(answer), names.split(', '), `${name} sees her or his own databases`);
    }
  },
);

Then(
  'the vendor API received {int} calls, all with her/his new access token',
  async function (this: ConformanceWorld, count: number) {
    const refreshed = await lastIssued(this, 'refresh_token');
    assert.ok(refreshed, 'a refresh issued a new access token');
    const calls = await this.provider.requests('resource');
    assert.equal(calls.length, count);
    assert.ok(calls.every((call) => call.bearerToken === refreshed.accessToken && call.status === 200));
    if (this.can('store'))
      assert.equal(
        (await this.store.tokens(this.people.subject.username)).accessToken,
        refreshed.accessToken,
        'ours stored it',
      );
  },
);
