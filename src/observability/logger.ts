/**
 * Structured JSON logs (pino). Code never logs a token, secret, key or
 * authorization code; redaction is the second line of defence, for any field
 * under those names that slips into a log object: at the top level, one
 * level down (`*.name`), and in a `headers` object one level down
 * (`*.headers.authorization`, `*.headers.cookie`) or at the top
 * (`headers["set-cookie"]`). Bindings of child loggers are redacted the same
 * way.
 *
 * The redaction is ours rather than pino's `redact` option, which re-parsed
 * its paths and cloned every value for its wildcards on every line (about
 * 10 us a line, most of a line's cost): this one looks at each field once
 * and copies an object only when it has something to hide. What it hides is
 * the same, path for path (`redactedPaths`).
 */
import { type DestinationStream, type Logger, pino } from 'pino';

/** The field names whose values never reach a log line. */
const secretNames = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
  'token',
  'password',
  'authorization',
  'cookie',
] as const;

/** What is redacted, in pino's path syntax (the paths its `redact` option took before). */
export const redactedPaths = [
  ...secretNames,
  ...secretNames.map((name) => `*.${name}`),
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
];

export const censor = '[redacted]';

const secret = new Set<string>(secretNames);
const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * A shallow copy to censor fields in; an Error stays an Error (pino's `err`
 * serializer names its type and keeps its message and stack).
 */
function copyOf(value: Record<string, unknown>): Record<string, unknown> {
  if (!(value instanceof Error)) return { ...value };
  const copy: Error = Object.assign(Object.create(Object.getPrototypeOf(value) as object) as Error, value);
  copy.message = value.message;
  if (value.stack !== undefined) copy.stack = value.stack;
  return copy as unknown as Record<string, unknown>;
}

/** `headers` with the named fields censored; the same object when it holds none of them. */
function censorHeaders(headers: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  if (!names.some((name) => hasOwn(headers, name))) return headers;
  const copy = { ...headers };
  for (const name of names) if (hasOwn(copy, name)) copy[name] = censor;
  return copy;
}

/**
 * A value one level down (`*.name`, `*.headers.authorization|cookie`) with
 * its secrets censored; the same value when it has none.
 */
function censorNested(value: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    if (secret.has(key)) (copy ??= copyOf(value))[key] = censor;
  }
  const headers = value.headers;
  if (isObject(headers)) {
    const censored = censorHeaders(headers, ['authorization', 'cookie']);
    if (censored !== headers) (copy ??= copyOf(value)).headers = censored;
  }
  return copy ?? value;
}

/** A log object (or a child's bindings) with every redacted path censored; never changes the caller's object. */
export function redact(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(object)) {
    const value = object[key];
    let replacement = value;
    if (secret.has(key)) replacement = censor;
    else if (isObject(value) && !Array.isArray(value)) {
      replacement = censorNested(value);
      if (key === 'headers' && isObject(replacement)) replacement = censorHeaders(replacement, ['set-cookie']);
    }
    if (replacement !== object[key]) (copy ??= { ...object })[key] = replacement;
  }
  return copy ?? object;
}

/**
 * Where lines go unless a destination is given: standard output, asynchronously (docs/decisions.md,
 * `log-lines-asynchronous`): each line is handed to libuv's thread pool as it is written, and whatever is still
 * unwritten is flushed synchronously when the process exits (an uncaught exception's exit and SIGTERM's included).
 * pino's default too, declared here so that no release of pino changes it unseen.
 */
const standardOutput = (): DestinationStream => pino.destination({ dest: 1, sync: false });

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'mysql-integration' }, formatters: { log: redact } };
  const logger = pino(options, destination ?? standardOutput());
  // A child's bindings are written into each of its lines: redacted once, when it is made
  // (every child inherits this from the root). Called with each child as `this` (a child's
  // child is made from it), so never bound here.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return original.call(this, redact(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
