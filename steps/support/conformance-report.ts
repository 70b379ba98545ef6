/**
 * The per-run conformance report (the counterpart of `npm run conformance`'s
 * table): each requirement of testkit/conformance/requirements.ts with pass,
 * fail or skipped (and why), from the scenarios that carry its tags, written
 * to conformance.json and conformance.html in REPORTS_DIR (default
 * reports/, so that two remote runs from one checkout keep a folder each);
 * and the counts of the run (passed, failed, skipped per reason) printed at
 * the end.
 * A cucumber formatter, loaded through conformance-formatter.cjs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import { type Envelope, type TestStepResultStatus as Status, TestStepResultStatus } from '@cucumber/messages';

import { requirements } from '../../testkit/conformance/requirements';
import { skipReasonMediaType } from './capabilities';

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface ScenarioResult {
  readonly name: string;
  readonly location: string;
  readonly tags: readonly string[];
  readonly outcome: Outcome;
  /** Why it was skipped, or the first line of its failure. */
  readonly reason?: string;
}

export interface RequirementResult {
  readonly id: string;
  readonly text: string;
  readonly source: string;
  /**
   * uncovered: no scenario carries its tags; skipped: none of them
   * ran; not run: the contract preflight stopped the run.
   */
  readonly outcome: Outcome | 'uncovered' | 'not run';
  readonly passed: number;
  readonly failed: readonly string[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * The contract preflight of a remote run (contract-preflight.ts, contract 9.4):
 * the routes, pages and JSON the scenarios read, checked once before them.
 * `not checked`: in-process, where the integration is ours.
 */
export interface ContractShape {
  readonly outcome: 'passed' | 'failed' | 'not checked';
  /** One line per problem, each naming its section of the contract. */
  readonly problems: readonly string[];
}

export const contractShapeNotChecked: ContractShape = { outcome: 'not checked', problems: [] };

export interface ConformanceReport {
  readonly integration: string;
  readonly mode: 'in-process' | 'remote';
  /** Judged before the requirements: when it failed, no scenario ran and no requirement was judged. */
  readonly contractShape: ContractShape;
  readonly counts: {
    readonly scenarios: number;
    readonly passed: number;
    readonly failed: number;
    readonly skipped: Readonly<Record<string, number>>;
  };
  readonly requirements: readonly RequirementResult[];
  readonly scenarios: readonly ScenarioResult[];
}

function outcomeOf(status: Status): Outcome {
  if (status === TestStepResultStatus.PASSED) return 'passed';
  if (status === TestStepResultStatus.SKIPPED) return 'skipped';
  return 'failed';
}

export function buildReport(
  scenarios: readonly ScenarioResult[],
  contractShape: ContractShape = contractShapeNotChecked,
): ConformanceReport {
  const skipped: Record<string, number> = {};
  for (const scenario of scenarios)
    if (scenario.outcome === 'skipped')
      skipped[scenario.reason ?? 'no reason given'] = (skipped[scenario.reason ?? 'no reason given'] ?? 0) + 1;
  return {
    integration: process.env.INTEGRATION_URL ?? 'our integration, in-process',
    mode: process.env.INTEGRATION_URL ? 'remote' : 'in-process',
    contractShape,
    counts: {
      scenarios: scenarios.length,
      passed: scenarios.filter((scenario) => scenario.outcome === 'passed').length,
      failed: scenarios.filter((scenario) => scenario.outcome === 'failed').length,
      skipped,
    },
    requirements: requirements.map((requirement) => {
      const checking = scenarios.filter((scenario) => requirement.tags.some((tag) => scenario.tags.includes(tag)));
      const failed = checking
        .filter((scenario) => scenario.outcome === 'failed')
        .map((scenario) => `${scenario.name} (${scenario.location})`);
      const passed = checking.filter((scenario) => scenario.outcome === 'passed').length;
      const skippedHere = checking
        .filter((scenario) => scenario.outcome === 'skipped')
        .map((scenario) => ({ name: scenario.name, reason: scenario.reason ?? '' }));
      const outcome =
        contractShape.outcome === 'failed' && checking.length === 0
          ? 'not run'
          : checking.length === 0
            ? 'uncovered'
            : failed.length > 0
              ? 'failed'
              : passed > 0
                ? 'passed'
                : 'skipped';
      return {
        id: requirement.id,
        text: requirement.text,
        source: requirement.source,
        outcome,
        passed,
        failed,
        skipped: skippedHere,
      };
    }),
    scenarios,
  };
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function reportHtml(report: ConformanceReport): string {
  const colour: Record<string, string> = {
    passed: '#1b7f3b',
    failed: '#b42318',
    skipped: '#8a6d00',
    uncovered: '#52606d',
    'not run': '#52606d',
    'not checked': '#52606d',
  };
  const badge = (outcome: string) => `<strong style="color:${colour[outcome] ?? '#000'}">${outcome}</strong>`;
  const rows = report.requirements.map((requirement) => {
    const details = [
      ...requirement.failed.map((name) => `failed: ${escape(name)}`),
      ...(requirement.passed ? [`${requirement.passed} passed`] : []),
      ...[...new Set(requirement.skipped.map((skip) => skip.reason))].map(
        (reason) =>
          `skipped (${requirement.skipped.filter((skip) => skip.reason === reason).length}): ${escape(reason)}`,
      ),
    ];
    return `<tr><td>${escape(requirement.id)}</td><td>${escape(requirement.text)}</td><td>${escape(requirement.source)}</td><td>${badge(requirement.outcome)}</td><td>${details.join('<br>')}</td></tr>`;
  });
  const shape = report.contractShape;
  rows.unshift(
    `<tr><td>shape</td><td>contract shape: the routes and methods, the home page's markers, the refusals' JSON and error pages, /api/connection and /readyz, checked once before the scenarios</td><td>docs/contract.md 3, 3.1-3.6, 4.1, 9.4</td><td>${badge(shape.outcome)}</td><td>${shape.problems.map(escape).join('<br>')}</td></tr>`,
  );
  const scenarioRows = report.scenarios.map(
    (scenario) =>
      `<tr><td>${badge(scenario.outcome)}</td><td>${escape(scenario.name)}</td><td>${escape(scenario.location)}</td><td>${escape(scenario.reason ?? '')}</td></tr>`,
  );
  const skipped = Object.entries(report.counts.skipped).map(
    ([reason, count]) => `<li>${count} skipped: ${escape(reason)}</li>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Conformance report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #cbd2d9;padding:.3rem .5rem;vertical-align:top;text-align:left}</style></head>
<body><h1>Conformance report</h1><p>Integration: ${escape(report.integration)} (${report.mode})</p>
<p>${report.counts.scenarios} scenarios: ${report.counts.passed} passed, ${report.counts.failed} failed.</p><ul>${skipped.join('')}</ul>
<h2>Requirements</h2><table><tr><th>#</th><th>requirement</th><th>source</th><th>outcome</th><th>scenarios</th></tr>${rows.join('\n')}</table>
<h2>Scenarios</h2><table><tr><th>outcome</th><th>scenario</th><th>where</th><th>why</th></tr>${scenarioRows.join('\n')}</table></body></html>
`;
}

/** The counts as printed at the end of a run. */
export function summaryLines(report: ConformanceReport): string[] {
  const lines = [
    `Conformance (${report.integration}): ${report.counts.scenarios} scenarios, ${report.counts.passed} passed, ${report.counts.failed} failed`,
  ];
  if (report.contractShape.outcome !== 'not checked') lines.push(`  contract shape: ${report.contractShape.outcome}`);
  for (const problem of report.contractShape.problems) lines.push(`    ${problem}`);
  for (const [reason, count] of Object.entries(report.counts.skipped).sort((a, b) => b[1] - a[1]))
    lines.push(`  ${count} skipped, ${reason}`);
  const failed = report.requirements.filter((requirement) => requirement.outcome === 'failed');
  if (failed.length)
    lines.push(
      `  requirements failed: ${failed.map((requirement) => `${requirement.id} (${requirement.text})`).join('; ')}`,
    );
  return lines;
}

/** conformance.json and conformance.html into `directory`; the summary printed. */
export function writeReport(directory: string, report: ConformanceReport, cwd: string = process.cwd()): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'conformance.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(directory, 'conformance.html'), reportHtml(report));
  process.stderr.write(
    `\n${summaryLines(report).join('\n')}\nReports: ${['conformance.json', 'conformance.html'].map((name) => relative(cwd, join(directory, name))).join(', ')}\n`,
  );
}

/** The name of the contract preflight's BeforeAll hook, by which the formatter finds its outcome. */
export const contractPreflightHookName = 'contract preflight';

export default class ConformanceFormatter extends Formatter {
  static override readonly documentation =
    'Writes conformance.json and .html into REPORTS_DIR (default reports/): each requirement, pass, fail or skipped and why; prints the counts.';

  constructor(options: IFormatterOptions) {
    super(options);
    const directory = resolve(options.cwd, process.env.REPORTS_DIR || 'reports');
    // The contract preflight's hook, when the run has one (remote): its outcome is the report's first row.
    let preflightHookId: string | undefined;
    const preflightRuns = new Set<string>();
    let contractShape: ContractShape = contractShapeNotChecked;
    options.eventBroadcaster.on('envelope', (envelope: Envelope) => {
      if (envelope.hook?.name === contractPreflightHookName) preflightHookId = envelope.hook.id;
      if (envelope.testRunHookStarted?.hookId !== undefined && envelope.testRunHookStarted.hookId === preflightHookId)
        preflightRuns.add(envelope.testRunHookStarted.id);
      if (envelope.testRunHookFinished && preflightRuns.has(envelope.testRunHookFinished.testRunHookStartedId)) {
        const passed = envelope.testRunHookFinished.result.status === TestStepResultStatus.PASSED;
        contractShape = passed
          ? { outcome: 'passed', problems: [] }
          : { outcome: 'failed', problems: [envelope.testRunHookFinished.result.message ?? 'the preflight failed'] };
      }
      if (!envelope.testRunFinished) return;
      const scenarios = this.eventDataCollector
        .getTestCaseAttempts()
        .filter((attempt) => !attempt.willBeRetried)
        .map((attempt): ScenarioResult => {
          const outcome = outcomeOf(attempt.worstTestStepResult.status);
          const attachments = Object.values(attempt.stepAttachments).flat();
          const skip = attachments.find((attachment) => attachment.mediaType === skipReasonMediaType)?.body;
          const failure = attempt.worstTestStepResult.message?.split('\n')[0];
          const line = attempt.pickle.location?.line ?? attempt.gherkinDocument.feature?.location.line;
          return {
            name: attempt.pickle.name,
            location: `${attempt.pickle.uri}:${line ?? '?'}`,
            tags: attempt.pickle.tags.map((tag) => tag.name),
            outcome,
            ...(outcome === 'skipped'
              ? { reason: skip ?? 'skipped without a reason' }
              : outcome === 'failed' && failure
                ? { reason: failure }
                : {}),
          };
        });
      writeReport(directory, buildReport(scenarios, contractShape), options.cwd);
    });
  }
}
