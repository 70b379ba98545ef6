/**
 * The floor for any integration, run as a process of its own (like the
 * integration under measurement): a bare Koa pass-through of every request
 * to the vendor's `GET /v1/databases` with a fixed access token, on node's
 * own http client over a kept-alive agent (the transport the integration
 * uses, so the ratio measures the integration's own work, not a client
 * library). No session, no store, no limits, no logging. Configured by
 * PORT, API_BASE_URL and ACCESS_TOKEN.
 */
import { Agent, request } from 'node:http';

import Koa from 'koa';

const { PORT, API_BASE_URL, ACCESS_TOKEN } = process.env;
const agent = new Agent({ keepAlive: true });
const url = new URL(`${API_BASE_URL}/v1/databases`);

function get(): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent, headers: { authorization: `Bearer ${ACCESS_TOKEN}` } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 502, body: Buffer.concat(chunks).toString('utf8') }),
      );
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const app = new Koa();
app.use(async (ctx) => {
  const response = await get();
  ctx.status = response.status;
  ctx.type = 'json';
  ctx.body = response.body;
});
const server = app.listen(Number(PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
