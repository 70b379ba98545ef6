/**
 * The conformance tables, read from the features' tags: each requirement
 * (requirements.ts) beside the scenarios that check it, and the OpenID
 * Foundation's client test plans (oidf-plans.ts) module by module, covered
 * by which scenarios or not applicable and why (docs/conformance.md). Shared
 * by `npm run conformance` (dev/conformance/report.ts) and the harness's own
 * conformance scenarios.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';

import { looksLikeOidfModuleTag, oidfModuleNames, type OidfPlan, oidfPlans } from './oidf-plans';
import { requirements } from './requirements';

export interface Scenario {
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

/**
 * Whether a scenario runs in a plan's security profile (cucumber.cjs: the fapi2 rerun takes @flow without @basic-only).
 */
function runsIn(profile: OidfPlan['profile'], tags: ReadonlySet<string>): boolean {
  const fapi2 = tags.has('@fapi2') || (tags.has('@flow') && !tags.has('@basic-only'));
  return profile === 'fapi2' ? fapi2 : !tags.has('@fapi2');
}

export interface PlanCoverage {
  readonly lines: string[];
  /** One sentence per module with neither a scenario nor a reason, with both, or per unknown module tag. */
  readonly problems: string[];
  /** Per plan: how many modules are covered by scenarios, and how many are not applicable. */
  readonly counts: { readonly plan: string; readonly covered: number; readonly notApplicable: number }[];
}

/**
 * The OIDF client plans against the features: each module covered by the scenarios tagged with its name
 * (in the plan's security profile), or not applicable with its reason, which docs/conformance.md must name too.
 */
export function planCoverage(featuresDirectory: string, conformanceDoc?: string): PlanCoverage {
  const scenarios = scenariosOf(featuresDirectory);
  const doc = conformanceDoc !== undefined && existsSync(conformanceDoc) ? readFileSync(conformanceDoc, 'utf8') : '';
  const lines: string[] = [];
  const problems: string[] = [];
  const counts: { plan: string; covered: number; notApplicable: number }[] = [];
  for (const plan of oidfPlans) {
    let covered = 0;
    let notApplicable = 0;
    lines.push(
      `### ${plan.name}`,
      '',
      `${plan.title} (profile ${plan.profile})`,
      '',
      '| module | checks | scenarios | status |',
      '|---|---|---|---|',
    );
    for (const module of plan.modules) {
      const tag = `@${module.name}`;
      const tagged = scenarios.filter((scenario) => scenario.tags.has(tag));
      const checking = tagged.filter((scenario) => runsIn(plan.profile, scenario.tags));
      const places = [...new Set(checking.map((scenario) => scenario.location))];
      let status: string;
      if (module.notApplicable !== undefined && checking.length > 0) {
        status = '**BOTH a reason and scenarios**';
        problems.push(`${plan.name}: ${module.name} is tagged on scenarios and also said not to apply`);
      } else if (module.notApplicable !== undefined) {
        notApplicable += 1;
        status = `not applicable: ${module.notApplicable}`;
        if (conformanceDoc !== undefined && !doc.includes(module.name))
          problems.push(`${plan.name}: ${module.name} is not applicable, but docs/conformance.md does not say why`);
      } else if (checking.length > 0) {
        covered += 1;
        status = 'covered';
      } else {
        status = '**NEITHER a scenario nor a reason**';
        problems.push(
          tagged.length > 0
            ? `${plan.name}: ${module.name} is tagged only on scenarios that do not run in the ${plan.profile} profile`
            : `${plan.name}: ${module.name} has no scenario tagged ${tag} and no reason`,
        );
      }
      lines.push(
        `| ${module.name} | ${module.checks} | ${
          checking.length
            ? `${checking.length}: ${places.slice(0, 4).join(', ')}${places.length > 4 ? ', ...' : ''}`
            : '-'
        } | ${status} |`,
      );
    }
    counts.push({ plan: plan.name, covered, notApplicable });
    lines.push('', `${covered} of ${plan.modules.length} covered, ${notApplicable} not applicable.`, '');
  }
  const unknown = new Set(
    scenarios.flatMap((scenario) =>
      [...scenario.tags].filter((tag) => looksLikeOidfModuleTag(tag) && !oidfModuleNames.has(tag.slice(1))),
    ),
  );
  for (const tag of unknown) problems.push(`${tag} names no module of the OIDF client plans (oidf-plans.ts)`);
  return { lines, problems, counts };
}
