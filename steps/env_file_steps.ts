import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Given, Then } from '@cucumber/cucumber';
import { Recollection } from './support/recollection';
import type { ConformanceWorld } from './support/world';

Given('an env file holds:', function (this: ConformanceWorld, content: string) {
  const directory = mkdtempSync(join(tmpdir(), 'env-file-'));
  this.inProcess.onStop(async () => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, 'settings.env');
  writeFileSync(path, `${content}\n`);
  this.recalled.environment ??= { ...this.inProcess.environment };
  this.recalled.environment.ENV_FILE = path;
});

Then('it does not say {string}', function (this: ConformanceWorld, sentence: string) {
  const { stderr } = Recollection.needed(this.recalled.process, 'a process');
  assert.ok(!stderr.includes(sentence), `stderr does not mention "${sentence}":\n${stderr}`);
});
