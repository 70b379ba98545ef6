/**
 * The observability scene: where the integration's logs and metrics stood
 * when the scenario began. In-process the integration is the scenario's own,
 * so both start at nothing; a remote one has logged and counted since it
 * started (contract 8.3, 8.4), and the hooks remember where this scenario begins.
 */
import { sceneOf } from './scene';

export interface ObservabilityScene {
  /** How many log lines the integration had written when the scenario started. */
  logLinesAtStart: number;
  /** The value of every metric at the start of the scenario (remote only). */
  metricsAtStart?: string;
}

export const observabilityScene = sceneOf<ObservabilityScene>(() => ({ logLinesAtStart: 0 }));
