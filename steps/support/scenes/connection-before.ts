/**
 * The connection-before scene: a person's connection as it was before
 * something happened to it (a fault, a cut database, another person's
 * tricks), for the step that says it is "exactly as it was". Shared by the
 * steps that cause the event and those that judge it. What anyone can
 * observe is taken always (contract 3.4); what our store holds only where
 * the driver offers the capability `store` (docs/decisions.md,
 * `harness-capabilities`).
 */
import type { Connection } from '../../../src/store/store';
import type { Person } from '../people';
import { type ConnectionView, connectionView } from '../tasks';
import type { ConformanceWorld } from '../world';
import { needed, sceneOf } from './scene';

/** A person's connection as observed at a moment: as the contract shows it, and (capability `store`) as stored. */
export interface ConnectionSnapshot {
  readonly view: ConnectionView;
  readonly stored?: Connection;
}

interface ConnectionBeforeScene {
  before?: ConnectionSnapshot;
}

const connectionBeforeScene = sceneOf<ConnectionBeforeScene>(() => ({}));

/** Remember the person's connection as it is now, to compare with later. */
export async function rememberConnectionBefore(world: ConformanceWorld, person: Person): Promise<void> {
  connectionBeforeScene(world).before = {
    view: await connectionView(world, person),
    ...(world.can('store') ? { stored: await world.store.connection(person.username) } : {}),
  };
}

/** The connection remembered before; fails, naming `what`, when no earlier step remembered it. */
export function connectionBefore(world: ConformanceWorld, what: string): ConnectionSnapshot {
  return needed(connectionBeforeScene(world).before, what);
}
