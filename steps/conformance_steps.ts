import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Then, When } from '@cucumber/cucumber';
import { conformanceTable } from '../dev/conformance/report';
import { requirements } from '../dev/conformance/requirements';
import { projectRoot } from '../dev/project-root';
import { Recollection } from './support/recollection';
import type { ConformanceWorld } from './support/world';

function row(world: ConformanceWorld, id: string): string {
  const lines = Recollection.needed(world.recalled.conformanceTable, 'the conformance table');
  const found = lines.find((line) => line.startsWith(`| ${id} |`));
  assert.ok(found, `a row for requirement ${id}`);
  return found;
}

When('the conformance table is drawn from the features', function (this: ConformanceWorld) {
  this.recalled.conformanceTable = conformanceTable(join(projectRoot, 'features')).lines;
});

Then(
  /^requirement "(\w+)" \([^)]*\) is covered by "([^"]+)"$/,
  function (this: ConformanceWorld, id: string, file: string) {
    const line = row(this, id);
    assert.match(line, / covered \|$/);
    assert.ok(line.includes(file), line);
  },
);

Then(/^requirement "(\w+)" \([^)]*\) is marked uncovered$/, function (this: ConformanceWorld, id: string) {
  assert.match(row(this, id), /\*\*UNCOVERED\*\* \|$/);
});

Then('every requirement appears once', function (this: ConformanceWorld) {
  const lines = Recollection.needed(this.recalled.conformanceTable, 'the conformance table');
  assert.equal(lines.length, requirements.length + 2);
  assert.equal(new Set(requirements.map((requirement) => requirement.id)).size, requirements.length);
});
