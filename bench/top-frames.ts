/**
 * `npx ts-node bench/top-frames.ts <file.cpuprofile> [--top 15] [--requests N]`:
 * where a V8 CPU profile (`node --cpu-prof`) spent its busy time (idle
 * excluded), in three views:
 *
 * - self time by frame: the functions the CPU was in;
 * - by owner: each sample charged to the nearest frame up its stack that is
 *   code of ours (dist/...) or of a package, so that node's internals
 *   (sockets, HTTP parsing, streams) count for whoever called them;
 * - by concern (B1's list: session cookie, rate-limit counters, store read,
 *   decryption, retry wrapper, headers, log line, metrics, router, JSON, and
 *   what the floor does too): each sample charged to the nearest frame up
 *   its stack that the table `concernRules` names, by file or package.
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

/**
 * B1's concerns, by where a frame's code lives: a file of ours (its path from
 * src/ or dist/, without the extension), a package, or, for the few that share
 * a file with other work, a function of that file. The first frame up a
 * sample's stack that a rule names decides; a sample no rule names is node's
 * or V8's own work for nobody in particular.
 */
interface ConcernRule {
  readonly concern: string;
  /** Files of ours (`http/rate-limits`), matched on the path from src/ or dist/ without its extension. */
  readonly files?: readonly string[];
  readonly packages?: readonly string[];
  /**
   * Node's own modules (`node:_http_client`): for the work no frame of
   * ours or of a package is above (an async callback's).
   */
  readonly node?: readonly string[];
  /** Only these functions of the files or packages (default: all of them). */
  readonly functions?: readonly string[];
  /** Only when the frame is the sample's leaf (its self time), not when it is further up. */
  readonly selfOnly?: boolean;
}

export const concernRules: readonly ConcernRule[] = [
  // The process's start, in the profile too: module loading and what runs as a module loads (zod's schemas, ...).
  {
    concern: 'start-up (module loading)',
    node: [
      'node:internal/modules/cjs/loader',
      'node:internal/modules/esm/loader',
      'node:internal/main/run_main_module',
    ],
  },
  { concern: 'start-up (module loading)', packages: ['zod'] },
  { concern: 'session cookie', files: ['http/cookie-signing', 'identity/demo-sign-in', 'identity/identity'] },
  { concern: 'session cookie', packages: ['cookies', 'keygrip'] },
  { concern: 'rate-limit counters', files: ['http/rate-limits'], packages: ['rate-limiter-flexible'] },
  {
    concern: 'store read',
    files: ['store/memory-store', 'store/mysql/mysql-store', 'store/store', 'store/open-store'],
  },
  { concern: 'token manager', files: ['connections/token-manager', 'connections/connection-record'] },
  { concern: 'decryption', files: ['crypto/sealed-tokens', 'crypto/token-cipher', 'crypto/key-ring'] },
  // The provider client's policy around a request (timing, retries, the DPoP nonce's second try), not its transport.
  {
    concern: 'retry wrapper',
    files: ['http/provider-client'],
    functions: ['request', 'retryDelay', 'backoff', 'retryAfterSeconds'],
  },
  { concern: 'retry wrapper', files: ['oauth/dpop'], functions: ['sendWithDpopNonce'] },
  { concern: 'JSON', files: ['http/provider-client'], functions: ['parseJsonObject'] },
  { concern: 'provider transport (floor too)', files: ['http/provider-client'] },
  { concern: 'headers', files: ['http/security-headers'] },
  {
    concern: 'log line',
    files: ['observability/request-log', 'observability/logger'],
    packages: [
      'pino',
      'sonic-boom',
      'pino-std-serializers',
      'quick-format-unescaped',
      'thread-stream',
      'safe-stable-stringify',
    ],
  },
  { concern: 'metrics', files: ['observability/metrics'], packages: ['prom-client', 'tdigest', 'bintrees'] },
  { concern: 'router', packages: ['@koa/router', 'path-to-regexp'] },
  { concern: 'vendor answer checked and reshaped', files: ['vendor-api/vendor-api'] },
  { concern: 'route handler', files: ['routes/databases', 'routes/identifiers'] },
  { concern: 'error handler', files: ['http/error-handler', 'errors'] },
  // Koa's respond() serializes a JSON body before it writes it: its own time is the JSON.
  { concern: 'JSON', packages: ['koa'], functions: ['respond'], selfOnly: true },
  { concern: 'JSON', packages: ['(native)'], functions: ['stringify', 'parse'], selfOnly: true },
  { concern: 'koa and node:http (floor too)', packages: ['koa', 'koa-compose', 'on-finished', 'statuses', 'vary'] },
  // The floor (bench/bare-proxy.ts, transpiled into node_modules/.cache/bench/): its request to the vendor.
  { concern: 'provider transport (floor too)', files: ['bench/bare-proxy'], functions: ['get'] },
  { concern: 'koa and node:http (floor too)', files: ['bench/bare-proxy'] },
  // Callbacks of node's own HTTP client (the kept-alive sockets to the vendor) and server, with nothing of ours above
  // (node's streams, sockets and parser serve both: they count for whichever of the two is above them).
  {
    concern: 'provider transport (floor too)',
    node: ['node:_http_client', 'node:_http_agent'],
  },
  {
    concern: 'koa and node:http (floor too)',
    node: ['node:_http_server'],
  },
];

/** Where a frame's code lives, for concernRules: a file of ours without extension, or a package, or (native). */
function placeOf(url: string): { file?: string; package?: string; node?: string } {
  if (!url) return { package: '(native)' };
  if (url.startsWith('node:')) return { node: url };
  if (/node_modules\/\.cache\/bench\/bare-proxy\.js$/.test(url)) return { file: 'bench/bare-proxy' };
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage) return { package: inPackage[1] };
  const ours = /\/(?:dist|src|build\/src)\/(.*)\.[jt]s$/.exec(url);
  return ours ? { file: ours[1] } : {};
}

function concernOf(frame: ProfileNode['callFrame'], leaf: boolean): string | undefined {
  const place = placeOf(frame.url);
  for (const rule of concernRules) {
    if (rule.selfOnly && !leaf) continue;
    const here =
      (place.file !== undefined && rule.files?.includes(place.file)) ||
      (place.package !== undefined && rule.packages?.includes(place.package)) ||
      (place.node !== undefined && rule.node?.includes(place.node));
    if (here && (!rule.functions || rule.functions.includes(frame.functionName))) return rule.concern;
  }
  return undefined;
}

export function summarize(
  profile: Profile,
  top: number,
): {
  busyMs: number;
  frames: Array<[string, number]>;
  owners: Array<[string, number]>;
  concerns: Array<[string, number]>;
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const frames = new Map<string, number>();
  const owners = new Map<string, number>();
  const concerns = new Map<string, number>();
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
    let concern = vmStates.has(functionName) ? functionName : undefined;
    for (let at: number | undefined = id; !concern && at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame) concern = concernOf(frame, at === id);
    }
    add(concerns, concern ?? '(node and V8 for nobody in particular)', ms);
  });
  const sorted = (table: Map<string, number>, count = top) => [...table].sort((a, b) => b[1] - a[1]).slice(0, count);
  return { busyMs, frames: sorted(frames), owners: sorted(owners), concerns: sorted(concerns, Infinity) };
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
  const { busyMs, frames, owners, concerns } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, top);
  const line = ([name, ms]: [string, number]) =>
    `${((ms / busyMs) * 100).toFixed(1).padStart(5)}%${requests ? `  ${((ms * 1000) / requests).toFixed(1).padStart(7)} us/req` : ''}  ${name}`;
  process.stdout.write(
    `busy ${busyMs.toFixed(0)} ms${requests ? `, ${((busyMs * 1000) / requests).toFixed(0)} us per request over ${requests}` : ''}\n\n` +
      `self time by frame:\n${frames.map(line).join('\n')}\n\nby owner (nearest frame of ours or of a package):\n${owners.map(line).join('\n')}\n` +
      `\nby concern (nearest frame named in concernRules):\n${concerns.map(line).join('\n')}\n`,
  );
}
