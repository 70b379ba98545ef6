/**
 * The integration's metrics (optional, capability `metrics`: GET /metrics in
 * the Prometheus text format).
 */
import { strict as assert } from 'node:assert';

import { got } from './http';
import type { ConformanceWorld } from './world';

/** The metrics the integration exposes now, as text. */
export async function metricsText(world: ConformanceWorld): Promise<string> {
  const answer = await got.get(world.url('/metrics'), { throwHttpErrors: false });
  assert.equal(answer.statusCode, 200, 'GET /metrics answers');
  return answer.body;
}

/** The value of a metric's line with these labels in a metrics text; 0 when there is none yet. */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text
    .split('\n')
    .find(
      (candidate) =>
        (candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`)) &&
        wanted.every((label) => candidate.includes(label)),
    );
  return line === undefined ? 0 : Number(line.split(' ').pop());
}
