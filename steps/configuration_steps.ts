import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Given, Then, When } from '@cucumber/cucumber';

import { ConfigurationError, loadConfig } from '../src/config';
import { describedSettings, envExample, readmeWithSettingsTable, settingsTable } from '../src/config-docs';
import { projectRoot } from '../testkit/project-root';
import { environmentChanges, ownProcessScene } from './support/scenes/own-process';
import { needed, sceneOf } from './support/scenes/scene';
import type { ConformanceWorld } from './support/world';

/** What the configuration steps remember. */
interface ConfigurationScene {
  /** The problems the configuration check found. */
  problems?: readonly string[];
}

const configurationScene = sceneOf<ConfigurationScene>(() => ({}));

Given(
  /^the integration's environment sets ([A-Z_]+) to "([^"]*)"$/,
  function (this: ConformanceWorld, variable: string, value: string) {
    const environment = environmentChanges(this);
    if (value === '') delete environment[variable];
    else environment[variable] = value;
  },
);

When('the configuration is checked', function (this: ConformanceWorld) {
  try {
    loadConfig(environmentChanges(this));
    configurationScene(this).problems = [];
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `a ConfigurationError, not ${String(error)}`);
    configurationScene(this).problems = error.problems;
  }
});

Then(/^it is refused because "(.*)"$/, function (this: ConformanceWorld, problem: string) {
  assert.deepEqual(needed(configurationScene(this).problems, 'the problems found'), [problem]);
});

Then('it is accepted', function (this: ConformanceWorld) {
  assert.deepEqual(needed(configurationScene(this).problems, 'the problems found'), []);
});

When('the integration is started as its own process', async function (this: ConformanceWorld) {
  ownProcessScene(this).process = await this.processes.run('src/main.ts', environmentChanges(this));
});

Then('it exits with status {int}', function (this: ConformanceWorld, status: number) {
  assert.equal(needed(ownProcessScene(this).process, 'a process').status, status);
});

Then('it says {string}', function (this: ConformanceWorld, sentence: string) {
  const { stderr } = needed(ownProcessScene(this).process, 'a process');
  assert.ok(
    stderr.split('\n').some((line) => line.trim() === `- ${sentence}`),
    `stderr lists "${sentence}":\n${stderr}`,
  );
});

Then('it prints no stack trace', function (this: ConformanceWorld) {
  const { stderr, stdout } = needed(ownProcessScene(this).process, 'a process');
  assert.doesNotMatch(stderr + stdout, /^\s+at .+[:(]\d+/m);
});

Given(
  'the integration runs as its own process, configured only by its environment',
  async function (this: ConformanceWorld) {
    const integration = this.inProcess;
    await integration.close();
    await this.processes.start(
      'src/main.ts',
      { ...integration.environment, LOG_LEVEL: 'warn' },
      'Integration listening on',
    );
  },
);

// ---- each setting described once: the README's table and .env.example rendered from the schema ----

/** What the schema renders, per scenario. */
const rendered = new WeakMap<ConformanceWorld, { readonly readme: string; readonly envExample: string }>();

function renderedFor(world: ConformanceWorld) {
  const docs = rendered.get(world);
  assert.ok(docs, "the settings' descriptions were rendered first");
  return docs;
}

/** The variables a text sets or lists: `NAME=` lines of an env file, or the first column of the README's table. */
function variablesOf(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] ?? '');
}

When("the settings' descriptions are rendered from the configuration's schema", function (this: ConformanceWorld) {
  const settings = describedSettings();
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  rendered.set(this, {
    readme: readmeWithSettingsTable(readme, settingsTable(settings)),
    envExample: envExample(settings),
  });
});

Then("the README's settings table is exactly what they render", function (this: ConformanceWorld) {
  const onDisk = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const expected = renderedFor(this).readme;
  const row = /^\| `([A-Z][A-Z0-9_]*)` \|/gm;
  // The names first, so that a setting missing or left over is named; then every word of every row.
  assert.deepEqual(
    variablesOf(onDisk, row),
    variablesOf(expected, row),
    "the README's settings table lists the settings the schema reads",
  );
  assert.equal(onDisk, expected, 'README.md is as `npm run settings:docs` writes it');
});

Then('.env.example is exactly what they render', function (this: ConformanceWorld) {
  const onDisk = readFileSync(join(projectRoot, '.env.example'), 'utf8');
  const expected = renderedFor(this).envExample;
  const line = /^([A-Z][A-Z0-9_]*)=/gm;
  assert.deepEqual(
    variablesOf(onDisk, line),
    variablesOf(expected, line),
    '.env.example sets the settings the schema reads',
  );
  assert.equal(onDisk, expected, '.env.example is as `npm run settings:docs` writes it');
});
