/**
 * The portal's HTTP server: Next's own request handler behind a listener that appends the TCP
 * peer's address to X-Forwarded-For, as a reverse proxy does (nginx
 * `$proxy_add_x_forwarded_for`). `next start` keeps a header the client sent and adds the peer
 * only when there is none, so a client reaching the portal directly could name any address; here
 * the rightmost entry is always the peer, which no client can forge, and `clientIpFrom`
 * (src/server/request.ts) reads from the right, skipping the portal's trusted proxies.
 *
 * `PORT` (default 3000) and `RAYON_PORTAL_HOST` (default: every interface, as `next start`).
 */
import { createServer } from 'node:http';

// React and Next pick their production builds from NODE_ENV when they are first loaded.
// eslint-disable-next-line no-restricted-properties -- set before anything reads it, as `next start` does
(process.env as Record<string, string | undefined>).NODE_ENV ??= 'production';
const { getEnv } = await import('./src/env.ts');
const { default: next } = await import('next');

// Fails fast on a wrong configuration, before listening.
const { PORT: port, RAYON_PORTAL_HOST: hostname } = getEnv();
const app = next({ dev: false, dir: import.meta.dirname, ...(hostname ? { hostname } : {}), port });
const handle = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  const peer = req.socket.remoteAddress;
  const prior = req.headers['x-forwarded-for'];
  const chain = [...(Array.isArray(prior) ? prior : prior ? [prior] : []), ...(peer ? [peer] : [])];
  if (chain.length > 0) req.headers['x-forwarded-for'] = chain.join(', ');
  void handle(req, res);
});
server.listen(port, hostname, () => {
  console.log(`portal listening on ${hostname ?? '*'}:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
