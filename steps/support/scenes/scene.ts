/**
 * A scene: what the steps of one feature area remember for the later steps of
 * the same scenario, as one typed object. It is kept per World, in a WeakMap
 * keyed by it, so that every scenario starts with a scene of its own and
 * nothing leaks to the next (a fresh World per scenario, STYLE.md "Steps,
 * World, hooks"). An area whose scene only one step file uses keeps it in that
 * file; a scene that several step files share lives in this folder.
 */

/** The scene of an area, made by `create` the first time a World asks for it. */
export function sceneOf<Scene extends object>(create: () => Scene): (world: object) => Scene {
  const scenes = new WeakMap<object, Scene>();
  return (world) => {
    let scene = scenes.get(world);
    if (!scene) {
      scene = create();
      scenes.set(world, scene);
    }
    return scene;
  };
}

/** A remembered value that a step needs; fails the step, naming what, when no earlier step remembered it. */
export function needed<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no earlier step remembered ${what}`);
  return value;
}
