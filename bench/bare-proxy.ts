/**
 * The floor for any integration, run as a process of its own (like the
 * integration under measurement): a bare Koa + got pass-through of every
 * request to the vendor's `GET /v1/databases` with a fixed access token. No
 * session, no store, no limits, no logging. Configured by PORT,
 * API_BASE_URL and ACCESS_TOKEN.
 */
import { got } from 'got';
import Koa from 'koa';

const { PORT, API_BASE_URL, ACCESS_TOKEN } = process.env;
const http = got.extend({ responseType: 'text', retry: { limit: 0 }, throwHttpErrors: false });
const app = new Koa();
app.use(async (ctx) => {
  const response = await http.get(`${API_BASE_URL}/v1/databases`, { headers: { authorization: `Bearer ${ACCESS_TOKEN}` } });
  ctx.status = response.statusCode;
  ctx.type = 'json';
  ctx.body = response.body;
});
const server = app.listen(Number(PORT), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
