/**
 * The calls scene: the answers of a series of calls to the integration, in
 * order (a person's calls at once or one after another, sign-ins, connects,
 * readiness checks), for the step that judges the series. Shared: one step
 * file makes the calls and another may judge them (the multi-instance calls
 * are judged by the concurrency step).
 */
import type { HttpResponse } from '../user-agent';
import { sceneOf } from './scene';

export interface CallsScene {
  /** The answers of the last series, in order. */
  answers?: HttpResponse[];
}

export const callsScene = sceneOf<CallsScene>(() => ({}));
