/**
 * The client's redirect URI, served by the harness itself: a tiny HTTP
 * listener on REDIRECT_URI's host and port that records every authorization
 * response (RFC 6749 4.1.2) arriving at any path, and answers a plain page.
 * A response that arrives at another path than the one asked for is recorded
 * too: that is how an inexact redirect URI match shows (RFC 9700 4.1.3).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

export interface ArrivedResponse {
  /** The full URL the provider sent the browser to. */
  readonly url: URL;
}

export class RedirectListener {
  private readonly arrivals: ArrivedResponse[] = [];
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly server: Server) {}

  static async start(redirectUri: string): Promise<RedirectListener> {
    const target = new URL(redirectUri);
    // eslint-disable-next-line prefer-const -- assigned once the server it records for is listening
    let listener: RedirectListener | undefined;
    const server = createServer((req, res) => {
      listener?.record(new URL(req.url ?? '/', target.origin));
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('The harness received the authorization response. You may close this window.\n');
    });
    server.listen(Number(target.port || 80), target.hostname);
    await once(server, 'listening');
    listener = new RedirectListener(server);
    return listener;
  }

  private record(url: URL): void {
    if (url.pathname === '/favicon.ico') return;
    this.arrivals.push({ url });
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Responses that arrived since `since` (an index from `count`). */
  arrivedSince(since: number): readonly ArrivedResponse[] {
    return this.arrivals.slice(since);
  }

  get count(): number {
    return this.arrivals.length;
  }

  /** Waits up to `ms` for a response after index `since`. */
  async next(since: number, ms: number): Promise<ArrivedResponse | undefined> {
    const deadline = Date.now() + ms;
    while (this.arrivals.length <= since && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.arrivals[since];
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
