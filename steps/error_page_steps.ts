/**
 * The error page quotes nothing the request made up (docs/decisions.md,
 * `error-page-quotes-nothing`): no parameter name, no path. Judged by the
 * page any integration shows.
 */
import { strict as assert } from 'node:assert';

import { Then, When } from '@cucumber/cucumber';

import { errorCodeOf, unescapeHtml } from './support/html-forms';
import type { Person } from './support/people';
import type { ConformanceWorld } from './support/world';

/** The integration's callback URL, with a query of our making. */
function callbackWith(world: ConformanceWorld, query: string): string {
  const callback = new URL(
    world.integrationUrl ? new URL('/callback', world.integrationUrl).href : world.sut.settings.redirectUri,
  );
  return `${callback.href}?${query}`;
}

async function visit(world: ConformanceWorld, person: Person, url: string): Promise<void> {
  person.response = await person.agent.get(url);
  world.lastAnswer = person.response;
}

When(
  "{person}'s browser is sent to the callback with the parameter {string} twice",
  async function (this: ConformanceWorld, person: Person, name: string) {
    const pair = `${encodeURIComponent(name)}=1`;
    await visit(this, person, callbackWith(this, `${pair}&${pair}`));
  },
);

When(
  "{person}'s browser is sent to the callback with the parameter {string} {int} characters long",
  async function (this: ConformanceWorld, person: Person, name: string, length: number) {
    await visit(this, person, callbackWith(this, `${encodeURIComponent(name)}=${'x'.repeat(length)}`));
  },
);

When("{person}'s browser goes to {string}", async function (this: ConformanceWorld, person: Person, path: string) {
  await visit(this, person, this.url(path));
});

Then('she/he sees an error page that does not say {string}', function (this: ConformanceWorld, text: string) {
  const answer = this.people.subject.response;
  assert.ok(answer, 'an answer came');
  assert.ok(answer.statusCode >= 400 && answer.statusCode < 500, `a refusal: ${answer.statusCode}`);
  assert.match(String(answer.headers['content-type']), /text\/html/, 'an HTML page');
  assert.ok(errorCodeOf(answer.body), 'the page names an error code');
  const shown = unescapeHtml(answer.body).toLowerCase();
  for (const form of [text, encodeURIComponent(text)])
    assert.ok(!shown.includes(form.toLowerCase()), `the page says "${form}":\n${answer.body}`);
});
