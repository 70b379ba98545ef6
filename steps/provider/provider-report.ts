/**
 * reports/provider.json and reports/provider.html (under REPORTS_DIR when
 * set): each fact the provider profile saw (facts.ts), what this provider
 * does beside what the mock does by default, and the mock control that makes
 * the mock do the same; each scenario's outcome; and `mockLike`, the modes
 * `npm run start:mock -- --like reports/provider.json` starts the mock with.
 * Facts carry words and public metadata only: never a token, code or secret.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type FactId, factSpecs, type MockControlCall } from './facts';

export interface ReportedFact {
  readonly id: FactId;
  readonly title: string;
  readonly section: string;
  readonly provider: string;
  readonly mock: string;
  readonly sameAsMock: boolean;
  /** The control that makes the mock do what this provider does; null with `note` when there is none. */
  readonly control: MockControlCall | null;
  readonly note?: string;
  readonly detail?: string;
}

export interface ScenarioOutcome {
  readonly name: string;
  readonly tags: readonly string[];
  readonly status: string;
  readonly reason?: string;
}

const facts = new Map<FactId, ReportedFact>();
const scenarios: ScenarioOutcome[] = [];

/** Records what the provider does; the last word on a fact wins (a later scenario may know more). */
export function reportFact(id: FactId, provider: string, detail?: string): void {
  const spec = factSpecs[id] as {
    title: string;
    section: string;
    mock: string;
    controlFor?: (v: string) => MockControlCall | undefined;
  };
  const sameAsMock = provider === spec.mock;
  const control = sameAsMock ? null : (spec.controlFor?.(provider) ?? null);
  facts.set(id, {
    id,
    title: spec.title,
    section: spec.section,
    provider,
    mock: spec.mock,
    sameAsMock,
    control,
    ...(sameAsMock || control ? {} : { note: 'no control: the mock cannot do this' }),
    ...(detail ? { detail } : {}),
  });
}

export function reportScenario(outcome: ScenarioOutcome): void {
  scenarios.push(outcome);
}

const escape = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function writeProviderReport(issuer: string): string {
  const directory = process.env.REPORTS_DIR || 'reports';
  mkdirSync(directory, { recursive: true });
  const all = [...facts.values()];
  const differences = all.filter((fact) => !fact.sameAsMock);
  const modes = Object.assign(
    {},
    ...differences.filter((f) => f.control?.call === 'POST /__control/modes').map((f) => f.control?.body),
  ) as Record<string, unknown>;
  const counts = scenarios.reduce<Record<string, number>>(
    (sum, s) => ({ ...sum, [s.status]: (sum[s.status] ?? 0) + 1 }),
    {},
  );
  const report = {
    issuer,
    generatedAt: new Date().toISOString(),
    scenarios: { counts, list: scenarios },
    facts: all,
    differences: differences.map((f) => ({
      id: f.id,
      provider: f.provider,
      mock: f.mock,
      control: f.control ?? f.note,
    })),
    mockLike: {
      modes,
      settings: differences.flatMap((f) => (f.control?.call.startsWith('start setting') ? [f.control.call] : [])),
      unreproducible: differences.filter((f) => !f.control).map((f) => f.id),
    },
  };
  writeFileSync(join(directory, 'provider.json'), `${JSON.stringify(report, null, 2)}\n`);
  const rows = all
    .map(
      (f) =>
        `<tr class="${f.sameAsMock ? 'same' : 'differs'}"><td>${escape(f.title)}<br><small>${escape(f.section)}</small></td><td>${escape(f.provider)}${f.detail ? `<br><small>${escape(f.detail)}</small>` : ''}</td><td>${escape(f.mock)}</td><td>${f.sameAsMock ? 'same' : f.control ? `<code>${escape(f.control.call)}${f.control.body ? ` ${escape(JSON.stringify(f.control.body))}` : ''}</code>` : escape(f.note)}</td></tr>`,
    )
    .join('\n');
  const scenarioRows = scenarios
    .map(
      (s) =>
        `<tr class="${escape(s.status)}"><td>${escape(s.name)}</td><td>${escape(s.tags.join(' '))}</td><td>${escape(s.status)}</td><td>${escape(s.reason ?? '')}</td></tr>`,
    )
    .join('\n');
  writeFileSync(
    join(directory, 'provider.html'),
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Provider report: ${escape(issuer)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}.differs td{background:#fff4e0}.failed td{background:#fde}.skipped td{background:#eee}</style>
</head><body>
<h1>Provider report</h1>
<p>Issuer <code>${escape(issuer)}</code>, ${escape(report.generatedAt)}. Scenarios: ${escape(JSON.stringify(counts))}. ${differences.length} of ${all.length} facts differ from the mock's defaults.</p>
<p>Start the mock like this provider: <code>npm run start:mock -- --like ${escape(join(directory, 'provider.json'))}</code> (modes <code>${escape(JSON.stringify(modes))}</code>).</p>
<h2>Facts</h2>
<table><tr><th>fact</th><th>this provider</th><th>our mock by default</th><th>mock control</th></tr>
${rows}
</table>
<h2>Scenarios</h2>
<table><tr><th>scenario</th><th>tags</th><th>status</th><th>reason</th></tr>
${scenarioRows}
</table>
</body></html>
`,
  );
  return join(directory, 'provider.json');
}
