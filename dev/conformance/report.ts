/**
 * `npm run conformance`: each requirement beside the scenarios that check
 * it (found by their tags in features/), each uncovered one marked plainly.
 * QA and reviewers read this table first.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { requirements } from './requirements';

interface Scenario {
  readonly name: string;
  readonly location: string;
  readonly tags: ReadonlySet<string>;
}

export function scenariosOf(featuresDirectory: string): Scenario[] {
  const scenarios: Scenario[] = [];
  for (const file of readdirSync(featuresDirectory)
    .filter((name) => name.endsWith('.feature'))
    .sort()) {
    const path = join(featuresDirectory, file);
    const newId = IdGenerator.incrementing();
    const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(
      readFileSync(path, 'utf8'),
    );
    const lines = new Map<string, number>();
    const visit = (
      children: readonly {
        scenario?: { id: string; location: { line: number } };
        rule?: { children: readonly unknown[] };
      }[],
    ) => {
      for (const child of children) {
        if (child.scenario) lines.set(child.scenario.id, child.scenario.location.line);
        if (child.rule) visit(child.rule.children as typeof children);
      }
    };
    visit(document.feature?.children ?? []);
    for (const pickle of compile(document, path, newId)) {
      scenarios.push({
        name: pickle.name,
        location: `features/${file}:${lines.get(pickle.astNodeIds[0] ?? '') ?? '?'}`,
        tags: new Set(pickle.tags.map((tag) => tag.name)),
      });
    }
  }
  return scenarios;
}

export function conformanceTable(featuresDirectory: string): { lines: string[]; covered: number; uncovered: number } {
  const scenarios = scenariosOf(featuresDirectory);
  const lines = ['| # | requirement | source | scenarios | status |', '|---|---|---|---|---|'];
  let covered = 0;
  for (const requirement of requirements) {
    const checking = scenarios.filter((scenario) => requirement.tags.some((tag) => scenario.tags.has(tag)));
    const places = [...new Set(checking.map((scenario) => scenario.location))];
    if (checking.length) covered += 1;
    lines.push(
      `| ${requirement.id} | ${requirement.text} | ${requirement.source} | ${
        checking.length
          ? `${checking.length}: ${places.slice(0, 4).join(', ')}${places.length > 4 ? ', ...' : ''}`
          : '-'
      } | ${checking.length ? 'covered' : '**UNCOVERED**'} |`,
    );
  }
  return { lines, covered, uncovered: requirements.length - covered };
}

if (require.main === module) {
  const { lines, covered, uncovered } = conformanceTable(join(__dirname, '..', '..', 'features'));
  process.stdout.write(
    `${lines.join('\n')}\n\n${covered} of ${requirements.length} requirements covered, ${uncovered} uncovered.\n`,
  );
}
