import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Given, Then, When } from '@cucumber/cucumber';

import { environmentChanges, ownProcessScene } from './support/scenes/own-process';
import { needed } from './support/scenes/scene';
import type { ConformanceWorld } from './support/world';

/** The directory a scenario starts the integration from, when not the project's own. */
const workingDirectories = new WeakMap<ConformanceWorld, string>();

/** A directory of the scenario's own, removed when it ends. */
function scratchDirectory(world: ConformanceWorld): string {
  const directory = mkdtempSync(join(tmpdir(), 'env-file-'));
  world.inProcess.onStop(async () => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

Given('an env file holds:', function (this: ConformanceWorld, content: string) {
  const path = join(scratchDirectory(this), 'settings.env');
  writeFileSync(path, `${content}\n`);
  environmentChanges(this).ENV_FILE = path;
});

Given('the working directory holds a .env file:', function (this: ConformanceWorld, content: string) {
  const directory = scratchDirectory(this);
  writeFileSync(join(directory, '.env'), `${content}\n`);
  workingDirectories.set(this, directory);
});

Given(
  "the integration's environment sets {word} to the empty string",
  function (this: ConformanceWorld, variable: string) {
    environmentChanges(this)[variable] = '';
  },
);

When('the integration is started as its own process from that directory', async function (this: ConformanceWorld) {
  const directory = workingDirectories.get(this);
  assert.ok(directory, 'a working directory was made');
  ownProcessScene(this).process = await this.processes.run('src/main.ts', environmentChanges(this), directory);
});

Then('it does not say {string}', function (this: ConformanceWorld, sentence: string) {
  const { stderr } = needed(ownProcessScene(this).process, 'a process');
  assert.ok(!stderr.includes(sentence), `stderr does not mention "${sentence}":\n${stderr}`);
});

Then(
  "it warns, in one line, that {word} is empty in the environment and hides the env file's value",
  function (this: ConformanceWorld, variable: string) {
    const { stderr } = needed(ownProcessScene(this).process, 'a process');
    const lines = stderr.split('\n').filter((line) => line.includes(`${variable} is set to empty in the environment`));
    assert.equal(lines.length, 1, `one warning about ${variable}:\n${stderr}`);
  },
);

Then('its output never shows {string}', function (this: ConformanceWorld, value: string) {
  const { stdout, stderr } = needed(ownProcessScene(this).process, 'a process');
  assert.ok(!`${stdout}${stderr}`.includes(value), `the value is not shown:\n${stdout}${stderr}`);
});
