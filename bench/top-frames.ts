/**
 * `npx ts-node bench/top-frames.ts <file.cpuprofile> [--top 15] [--requests N]`:
 * where a V8 CPU profile (`node --cpu-prof`) spent its busy time (idle
 * excluded), in two views:
 *
 * - self time by frame: the functions the CPU was in;
 * - by owner: each sample charged to the nearest frame up its stack that is
 *   code of ours (dist/...) or of a package, so that node's internals
 *   (sockets, HTTP parsing, streams) count for whoever called them.
 *
 * With `--requests N` (the requests the process served; `npm run bench --
 * b1 --cpu-prof` prints it) each line also shows microseconds per request.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A package's name, or a path from dist/ (or src/, mock-provider/, bench/); undefined for node's own code and V8. */
function ownerOf(url: string): string | undefined {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return inPackage[1];
  const ours = /\/((?:dist|src|mock-provider|bench|dev)\/.*)$/.exec(url);
  return ours?.[1];
}

const vmStates = new Set(['(garbage collector)', '(program)']);

export function summarize(
  profile: Profile,
  top: number,
): { busyMs: number; frames: Array<[string, number]>; owners: Array<[string, number]> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const frames = new Map<string, number>();
  const owners = new Map<string, number>();
  const add = (table: Map<string, number>, key: string, ms: number) => table.set(key, (table.get(key) ?? 0) + ms);
  let busyMs = 0;
  profile.samples.forEach((id, index) => {
    const leaf = byId.get(id);
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    if (!leaf || leaf.callFrame.functionName === '(idle)') return;
    busyMs += ms;
    const { functionName, url, lineNumber } = leaf.callFrame;
    add(
      frames,
      `${functionName || '(anonymous)'} ${url ? `${ownerOf(url) ?? url.replace(/^node:/, 'node:')}:${lineNumber + 1}` : '(native)'}`,
      ms,
    );
    let owner = vmStates.has(functionName) ? functionName : undefined;
    for (let at: number | undefined = id; !owner && at !== undefined; at = parentOf.get(at))
      owner = ownerOf(byId.get(at)?.callFrame.url ?? '');
    add(owners, owner ?? '(node internals only)', ms);
  });
  const sorted = (table: Map<string, number>) => [...table].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { busyMs, frames: sorted(frames), owners: sorted(owners) };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at === -1 ? undefined : Number(args.splice(at, 2)[1]);
  };
  const top = option('--top') ?? 15;
  const requests = option('--requests');
  const file = args[0];
  if (!file) throw new Error('usage: top-frames.ts <file.cpuprofile> [--top 15] [--requests N]');
  const { busyMs, frames, owners } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, top);
  const line = ([name, ms]: [string, number]) =>
    `${((ms / busyMs) * 100).toFixed(1).padStart(5)}%${requests ? `  ${((ms * 1000) / requests).toFixed(1).padStart(7)} us/req` : ''}  ${name}`;
  process.stdout.write(
    `busy ${busyMs.toFixed(0)} ms${requests ? `, ${((busyMs * 1000) / requests).toFixed(0)} us per request over ${requests}` : ''}\n\n` +
      `self time by frame:\n${frames.map(line).join('\n')}\n\nby owner (nearest frame of ours or of a package):\n${owners.map(line).join('\n')}\n`,
  );
}
