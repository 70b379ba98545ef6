import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { ConfigurationError, loadConfig, type Environment } from '../src/config';
import type { ConformanceWorld } from './support/world';

function changes(world: ConformanceWorld): Environment {
  let environment = world.notes.get('environment') as Environment | undefined;
  if (!environment) {
    environment = { ...world.environment };
    world.notes.set('environment', environment);
  }
  return environment;
}

Given(
  /^the integration's environment sets ([A-Z_]+) to "([^"]*)"$/,
  function (this: ConformanceWorld, variable: string, value: string) {
    const environment = changes(this);
    if (value === '') delete environment[variable];
    else environment[variable] = value;
  },
);

When('the configuration is checked', function (this: ConformanceWorld) {
  try {
    loadConfig(changes(this));
    this.notes.set('problems', []);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `a ConfigurationError, not ${String(error)}`);
    this.notes.set('problems', error.problems);
  }
});

Then(/^it is refused because "(.*)"$/, function (this: ConformanceWorld, problem: string) {
  assert.deepEqual(this.notes.get('problems'), [problem]);
});

Then('it is accepted', function (this: ConformanceWorld) {
  assert.deepEqual(this.notes.get('problems'), []);
});

When('the integration is started as its own process', async function (this: ConformanceWorld) {
  this.notes.set('process', await this.runIntegrationProcess(changes(this)));
});

Then('it exits with status {int}', function (this: ConformanceWorld, status: number) {
  assert.equal((this.notes.get('process') as { status: number }).status, status);
});

Then('it says {string}', function (this: ConformanceWorld, sentence: string) {
  const { stderr } = this.notes.get('process') as { stderr: string };
  assert.ok(stderr.split('\n').some((line) => line.trim() === `- ${sentence}`), `stderr lists "${sentence}":\n${stderr}`);
});

Then('it prints no stack trace', function (this: ConformanceWorld) {
  const { stderr, stdout } = this.notes.get('process') as { stderr: string; stdout: string };
  assert.doesNotMatch(stderr + stdout, /^\s+at .+[:(]\d+/m);
});

Given('the integration runs as its own process, configured only by its environment', async function (this: ConformanceWorld) {
  await this.replaceIntegrationWithProcess();
});
