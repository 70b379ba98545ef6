/**
 * Agents for the harness's own calls to a remote mock and integration: a new
 * connection for each call. A kept-alive socket that sat idle past the
 * server's keep-alive timeout (5 s in Node) can be closed by the server just
 * as the harness reuses it, and the call then fails with "socket hang up",
 * a failure of neither party. On loopback a fresh connection costs nothing.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export const freshConnections = {
  http: new HttpAgent({ keepAlive: false }),
  https: new HttpsAgent({ keepAlive: false }),
};
