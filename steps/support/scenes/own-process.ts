/**
 * The own-process scene: the integration's environment as a scenario
 * changes it, and what the integration (or one of its scripts: migrate,
 * rotate-keys) printed when started as a process of its own, and how it
 * ended. Shared by the configuration, env-file and instance steps: one
 * starts the process, another reads what it said. Ours only: its scenarios
 * are @in-process (contract 9.2).
 */
import type { Environment } from '../../../src/config';
import type { ProcessResult } from '../child-processes';
import type { ConformanceWorld } from '../world';
import { sceneOf } from './scene';

interface OwnProcessScene {
  /** The environment to check or start with: the running integration's, copied once, then changed. */
  environment?: Environment;
  /** What the last process printed, and how it ended. */
  process?: ProcessResult;
}

export const ownProcessScene = sceneOf<OwnProcessScene>(() => ({}));

/** The environment a step changes: the running integration's, copied on first use. */
export function environmentChanges(world: ConformanceWorld): Environment {
  const scene = ownProcessScene(world);
  scene.environment ??= { ...world.inProcess.environment };
  return scene.environment;
}
