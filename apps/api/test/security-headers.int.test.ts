/** Security headers on every API answer; HSTS only over TLS (or a trusted proxy saying so). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let token: string;

beforeAll(async () => {
  h = await createHarness({ trustedProxies: ['10.0.0.0/8'] });
  ({ token } = await h.signedInUser({ email: uniqueEmail('headers') }));
});
afterAll(async () => h.close());

/** A request as Hono on Node gets it, from TCP peer `peer`. */
function send(
  url: string,
  o: { peer?: string; headers?: Record<string, string>; method?: string; body?: string } = {},
) {
  const peer = o.peer ?? '127.0.0.1';
  return h.app.fetch(new Request(url, { method: o.method ?? 'GET', headers: o.headers, body: o.body }), {
    incoming: { socket: { remoteAddress: peer, remotePort: 40000, remoteFamily: 'IPv4' } },
  });
}

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  const permissions = res.headers.get('permissions-policy') ?? '';
  for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) {
    expect(permissions).toContain(`${feature}=()`);
  }
}

describe('API security headers', () => {
  it('on JSON answers: health, tRPC (signed in or refused), REST errors, unknown routes', async () => {
    const answers = [
      await send('http://api.test/healthz'),
      await send('http://api.test/trpc/auth.me', { headers: { authorization: `Bearer ${token}` } }),
      await send('http://api.test/trpc/auth.me'),
      await send('http://api.test/api/v1/sites'),
      await send('http://api.test/nowhere'),
      await send('http://api.test/trpc/auth.login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 401, 404, 400]);
    for (const res of answers) {
      expect(res.headers.get('content-type')).toMatch(/json/);
      expectSecurityHeaders(res);
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('sends HSTS over TLS, or when a trusted proxy says the client used https', async () => {
    const hsts = (r: Response) => r.headers.get('strict-transport-security');
    expect(hsts(await send('https://api.test/healthz'))).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    const viaProxy = await send('http://api.test/healthz', {
      peer: '10.1.2.3',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(hsts(viaProxy)).toMatch(/^max-age=/);
    expectSecurityHeaders(viaProxy);
    // Anyone else claiming https is not believed; a proxy saying http is not either.
    expect(
      hsts(
        await send('http://api.test/healthz', {
          peer: '192.0.2.8',
          headers: { 'x-forwarded-proto': 'https' },
        }),
      ),
    ).toBeNull();
    expect(
      hsts(
        await send('http://api.test/healthz', { peer: '10.1.2.3', headers: { 'x-forwarded-proto': 'http' } }),
      ),
    ).toBeNull();
    expect(
      hsts(
        await send('http://api.test/healthz', {
          peer: '10.1.2.3',
          headers: { 'x-forwarded-proto': 'https, http' },
        }),
      ),
    ).toBeNull();
  });
});
