import { strict as assert } from 'node:assert';
import { Given, Then, When } from '@cucumber/cucumber';
import { ConfigurationError, loadConfig, type Environment } from '../src/config';
import { Recollection } from './support/recollection';
import type { ConformanceWorld } from './support/world';

/** The environment a step changes: the running integration's, copied once (ours in-process). */
function changes(world: ConformanceWorld): Environment {
  world.recalled.environment ??= { ...world.inProcess.environment };
  return world.recalled.environment;
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
    this.recalled.problems = [];
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, `a ConfigurationError, not ${String(error)}`);
    this.recalled.problems = error.problems;
  }
});

Then(/^it is refused because "(.*)"$/, function (this: ConformanceWorld, problem: string) {
  assert.deepEqual(Recollection.needed(this.recalled.problems, 'the problems found'), [problem]);
});

Then('it is accepted', function (this: ConformanceWorld) {
  assert.deepEqual(Recollection.needed(this.recalled.problems, 'the problems found'), []);
});

When('the integration is started as its own process', async function (this: ConformanceWorld) {
  this.recalled.process = await this.processes.run('src/main.ts', changes(this));
});

Then('it exits with status {int}', function (this: ConformanceWorld, status: number) {
  assert.equal(Recollection.needed(this.recalled.process, 'a process').status, status);
});

Then('it says {string}', function (this: ConformanceWorld, sentence: string) {
  const { stderr } = Recollection.needed(this.recalled.process, 'a process');
  assert.ok(
    stderr.split('\n').some((line) => line.trim() === `- ${sentence}`),
    `stderr lists "${sentence}":\n${stderr}`,
  );
});

Then('it prints no stack trace', function (this: ConformanceWorld) {
  const { stderr, stdout } = Recollection.needed(this.recalled.process, 'a process');
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
