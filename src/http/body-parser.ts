/**
 * `@koa/bodyparser`'s middleware, the package loaded when a body is first
 * read (a sign-in, an insert, a test hook), not at start: with co-body, qs
 * and raw-body it cost a start as much CPU as any package
 * (bench/README.md, B6). The same options and behaviour as
 * `bodyParser(options)` of the package.
 */
import type { bodyParser as packageBodyParser } from '@koa/bodyparser';

type BodyParser = typeof packageBodyParser;

export function bodyParser(options: Parameters<BodyParser>[0]): ReturnType<BodyParser> {
  let parser: ReturnType<BodyParser> | undefined;
  return (ctx, next) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parser ??= (require('@koa/bodyparser') as { bodyParser: BodyParser }).bodyParser(options);
    return parser(ctx, next);
  };
}
