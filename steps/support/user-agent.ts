/**
 * The harness's browser stand-in: got with a cookie jar, following redirects
 * one hop at a time so that a step can look at every hop. Like a browser
 * (Chromium) it sends `Origin` and `Sec-Fetch-Site: same-origin` with a POST
 * from a page of the same origin, and it remembers every URL it visited so
 * a step can check that no secret ever travelled in one.
 */
import { CookieJar } from 'tough-cookie';

import { freshConnections } from './fresh-connections';
import { type Got, got, type Response } from './http';

export type HttpResponse = Response<string>;

/**
 * Where a POST comes from, as the headers a browser sets and a page cannot
 * (contract 6): `Origin` and, in a browser with Fetch Metadata,
 * `Sec-Fetch-Site`. `{}` is a client that sends neither (a script, `curl`).
 */
export type SiteHeaders = { origin?: string; 'sec-fetch-site'?: string };

/** A page of `url`'s own origin posting to it, as Chromium sends it. */
export function ownPageOf(url: string): SiteHeaders {
  return { origin: new URL(url).origin, 'sec-fetch-site': 'same-origin' };
}

export class UserAgent {
  readonly jar = new CookieJar();
  /** Every URL requested, in order, including each redirect hop. */
  readonly history: string[] = [];

  private readonly client: Got;

  /** `certificateAuthority`: PEM CA certificates to trust (the test CA of the @https scenarios). */
  constructor(certificateAuthority?: string) {
    this.client = got.extend({
      ...(certificateAuthority ? { https: { certificateAuthority } } : {}),
      cookieJar: this.jar,
      followRedirect: false,
      throwHttpErrors: false,
      agent: { http: freshConnections.http },
      // As patient as a person: an integration may spend a few provider
      // timeouts on one answer (retries, two revocations).
      timeout: { request: 60_000 },
      responseType: 'text',
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'user-agent': 'conformance-harness' },
    });
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    this.history.push(url);
    return this.client.get(url, { headers });
  }

  /** A form POST, by default from a page of the same origin; `from` names another sender. */
  async post(
    url: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
    from: SiteHeaders = ownPageOf(url),
  ): Promise<HttpResponse> {
    this.history.push(url);
    return this.client.post(url, { form, headers: { ...from, ...headers } });
  }

  /** A JSON POST as a script on a page of that origin sends it, asking for JSON; `from` names another sender. */
  async postJson(
    url: string,
    json: unknown,
    headers: Record<string, string> = {},
    from: SiteHeaders = ownPageOf(url),
  ): Promise<HttpResponse> {
    this.history.push(url);
    return this.client.post(url, { json, headers: { ...from, accept: 'application/json', ...headers } });
  }

  /** The absolute URL a redirect response points to. */
  static location(response: HttpResponse): string {
    const location = response.headers.location;
    if (!location || response.statusCode < 300 || response.statusCode >= 400) {
      throw new Error(`expected a redirect, got ${response.statusCode} from ${response.url}`);
    }
    return new URL(location, response.url).href;
  }

  /** Follow redirects, one hop at a time, until `stop` says so or a non-redirect answers. */
  async followRedirects(
    response: HttpResponse,
    stop: (location: URL) => boolean = () => false,
  ): Promise<HttpResponse | URL> {
    let current = response;
    for (let hop = 0; hop < 20; hop += 1) {
      if (current.statusCode < 300 || current.statusCode >= 400) return current;
      const next = new URL(UserAgent.location(current));
      if (stop(next)) return next;
      current = await this.get(next.href);
    }
    throw new Error('too many redirects');
  }
}
