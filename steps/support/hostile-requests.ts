/**
 * Generators of hostile HTTP requests (fast-check): query strings built
 * from the parameter names a route knows and arbitrary ones, with values
 * that are real, random, huge, badly percent-encoded or in odd scripts;
 * cookies that are genuine, forged or garbage; Origin and Sec-Fetch-Site
 * headers from here and elsewhere; bodies of every content type.
 */
import fc from 'fast-check';

export interface HostileRequest {
  readonly method: 'GET' | 'POST' | 'HEAD' | 'PUT' | 'DELETE';
  /** Path and query, exactly as sent (no normalisation). */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface Knowns {
  /** Values worth mixing in: the real issuer, a real session cookie, the site's origin, live `state` values. */
  readonly issuer: string;
  readonly sessionCookie: string;
  readonly origin: string;
  readonly liveStates: readonly string[];
  /** The integration's callback route: the path of its redirect URI. */
  readonly callbackPath: string;
}

const raw = fc.string({ unit: fc.constantFrom(...'%&=+#?/\\.:;,"\'<>{}[]|^`~ -_azAZ09'.split('')), maxLength: 40 });
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  raw,
  fc.constant('x'.repeat(5000)),
);
const encoded = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(value, fc.boolean())
    .map(([string, encode]) => (encode ? encodeURIComponent(string) : string.replace(/[&#\s]/g, '')));

function query(names: readonly string[], knowns: Knowns): fc.Arbitrary<string> {
  const name = fc.oneof(
    fc.constantFrom(...names),
    fc.constantFrom('state[]', 'code[0]', '__proto__', 'constructor'),
    encoded(raw),
  );
  const value = fc.oneof(
    encoded(text),
    fc.constant(encodeURIComponent(knowns.issuer)),
    fc.constantFrom('', '%', '%zz', '%C3%28', '%00', '%E0%A4%A'),
    ...(knowns.liveStates.length ? [fc.constantFrom(...knowns.liveStates)] : []),
  );
  return fc
    .array(fc.tuple(name, value), { maxLength: 8 })
    .map((pairs) => pairs.map(([key, val]) => `${key}=${val}`).join('&'));
}

function cookie(knowns: Knowns): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    fc.constant(undefined),
    { weight: 4, arbitrary: fc.constant(knowns.sessionCookie) },
    fc.string({ maxLength: 80 }).map((value) => `session=${value.replace(/[;\s]/g, '')}`),
    fc
      .string({ maxLength: 60 })
      .map(
        (value) => `session=${value.replace(/[;\s]/g, '')}; session.sig=${value.replace(/[;\s]/g, '').slice(0, 27)}`,
      ),
    raw.map((value) => value.replace(/[\r\n]/g, '')),
  );
}

function headers(knowns: Knowns, contentType?: fc.Arbitrary<string | undefined>): fc.Arbitrary<Record<string, string>> {
  const origin = fc.oneof(
    fc.constant(undefined),
    fc.constant(knowns.origin),
    fc.constantFrom('null', 'https://evil.example', 'http://127.0.0.1:1'),
  );
  const site = fc.oneof(fc.constant(undefined), fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none'));
  const accept = fc.constantFrom('text/html', 'application/json', '*/*', 'image/png');
  return fc
    .record({ cookie: cookie(knowns), origin, site, accept, type: contentType ?? fc.constant(undefined) })
    .map(({ cookie: jar, origin: from, site: fetchSite, accept: wants, type }) => {
      const result: Record<string, string> = { accept: wants };
      if (jar !== undefined) result.cookie = jar;
      if (from !== undefined) result.origin = from;
      if (fetchSite !== undefined) result['sec-fetch-site'] = fetchSite;
      if (type !== undefined) result['content-type'] = type;
      return result;
    });
}

const body = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/).map((username) => `username=${username}`),
  encoded(text).map((value) => `username=${value}`),
  fc.string({ maxLength: 200 }),
  fc.json(),
  fc.constantFrom(
    '{"username": ',
    '["carol"]',
    '{"username": {"$gt": ""}}',
    'username=a&username=b',
    `username=${'a'.repeat(6000)}`,
  ),
);
const bodyType = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
);

export function hostileRequests(route: string, knowns: Knowns): fc.Arbitrary<HostileRequest> {
  switch (route) {
    case '/callback':
      return fc.record({
        method: fc.constantFrom<'GET' | 'HEAD' | 'POST'>('GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'HEAD', 'POST'),
        // Mostly shaped like a real callback (iss, state, code in some order), with the rest mixed in.
        target: fc
          .oneof(
            query(['code', 'state', 'iss', 'error', 'error_description', 'session_state'], knowns),
            fc
              .tuple(
                fc.oneof(fc.constantFrom(...(knowns.liveStates.length ? knowns.liveStates : ['none'])), encoded(text)),
                encoded(text),
                fc.boolean(),
              )
              .map(
                ([state, code, withError]) =>
                  `iss=${encodeURIComponent(knowns.issuer)}&state=${state}&${withError ? 'error=' : 'code='}${code}`,
              ),
          )
          .map((q) => `${knowns.callbackPath}?${q}`),
        headers: headers(knowns),
      });
    case '/connect':
      return fc.record({
        method: fc.constant<'GET'>('GET'),
        target: fc
          .oneof(
            encoded(text),
            fc.constantFrom(
              '//evil.example',
              '/\\evil.example',
              'https://evil.example/',
              '/.//evil.example',
              '/%2e//evil.example',
              'javascript:alert(1)',
              '/ok',
              '/a/../b?x=1',
            ),
            fc.webUrl().map(encodeURIComponent),
            fc.webPath(),
          )
          .map((value) => `/connect?return_to=${value}`),
        headers: headers(knowns),
      });
    case '/session':
      return fc.record({
        method: fc.constant<'POST'>('POST'),
        target: fc.constant('/session'),
        headers: headers(knowns, bodyType),
        body,
      });
    case '/disconnect':
      return fc.record({
        method: fc.constantFrom<'POST' | 'GET'>('POST', 'POST', 'GET'),
        target: fc.constant('/disconnect'),
        headers: headers(knowns, bodyType),
        body,
      });
    default:
      return fc.record({
        method: fc.constantFrom<'GET' | 'POST' | 'PUT' | 'DELETE'>('GET', 'GET', 'POST', 'PUT', 'DELETE'),
        target: fc
          .tuple(
            fc.oneof(
              fc.constantFrom('connection', 'databases', 'databases/tea_party/tables', 'databases/../../etc/tables'),
              // The rows of a table (contract 3.5): real names, hostile ones, and generated ones in the table's place.
              fc.constantFrom(
                'databases/tea_party/tables/guests/rows',
                'databases/tea_party/tables/gu%60ests/rows',
                'databases/builder_yard/tables/tools/rows',
              ),
              encoded(raw).map((table) => `databases/tea_party/tables/${table}/rows`),
              fc.webPath(),
            ),
            query(['name', 'user', 'userId', 'limit', 'after'], knowns),
          )
          .map(([path, q]) => `/api/${path.replace(/^\//, '')}?${q}`),
        headers: headers(knowns, bodyType),
        body: fc.oneof(
          body,
          fc.json().map((values) => `{"values": ${values}}`),
        ),
      });
  }
}
