/**
 * The home page (`GET /`): what loading it costs at the vendor
 * (docs/decisions.md, `home-page-inside-limits`: it lists the databases, so
 * it counts against the API limit).
 */
import { strict as assert } from 'node:assert';

import { Then, When } from '@cucumber/cucumber';

import { got } from './support/http';
import type { Person } from './support/people';
import type { ConformanceWorld } from './support/world';

When(
  '{person} loads the home page {int} times, and asks for its headers {int} times',
  async function (this: ConformanceWorld, person: Person, gets: number, heads: number) {
    for (let load = 0; load < gets; load += 1) {
      person.response = await person.agent.get(this.url('/'));
      assert.equal(person.response.statusCode, 200, `GET / answered ${person.response.statusCode}`);
    }
    for (let load = 0; load < heads; load += 1) {
      const answer = await got.head(this.url('/'), {
        cookieJar: person.agent.jar,
        throwHttpErrors: false,
        followRedirect: false,
      });
      assert.ok(answer.statusCode < 500, `HEAD / answered ${answer.statusCode}`);
    }
    this.lastAnswer = person.response;
  },
);

Then(
  'her/his last page says her/his databases could not be listed, with {string}',
  function (this: ConformanceWorld, code: string) {
    const body = this.people.subject.response?.body ?? '';
    assert.match(body, /data-databases-problem/, 'the page notes a problem with the databases');
    assert.ok(body.includes(`<code>${code}</code>`), `the note names "${code}"`);
  },
);
