/**
 * Hostile input on every REST route of the OpenAPI document, and on tRPC: NUL characters and
 * lone surrogates in any text field of a body or a query, impossible dates, malformed JSON,
 * missing or wrong Content-Type. Each gets a 4xx naming what is wrong (400, or 415 for the
 * Content-Type), never a 5xx. The requests are generated from the OpenAPI paths, so a new route
 * is swept without being listed here.
 */
import { randomUUID } from 'node:crypto';
import { API_SCOPES } from '@rayon/domain';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../src/app.ts';
import { createHarness, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let key: string;
let trpc: ReturnType<Harness['trpc']>;
let token: string;
let slug: string;

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema | Schema[];
  prefixItems?: Schema[];
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  maxLength?: number;
  minItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
}
interface Operation {
  parameters?: { name: string; in: string; schema: Schema; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
let doc: {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

beforeAll(async () => {
  h = await createHarness();
  const t = await createTestTenant(h.db, { firstSite: 'Centre', finess: '750712184' });
  slug = t.slug;
  const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
  key = (
    await h.trpc({ token: platform.token }).onboarding.apiKeys.create.mutate({
      tenantSlug: t.slug,
      name: 'sweep',
      scopes: [...API_SCOPES],
    })
  ).secret;
  const admin = await h.signedInUser({
    email: uniqueEmail('adm'),
    memberships: [{ tenant: t, roles: ['practice_admin', 'secretary', 'radiologist'] }],
  });
  token = admin.token;
  trpc = h.trpc({ token, tenant: t.slug });
  doc = (await (await h.rest('/openapi.json')).json()) as typeof doc;
});
afterAll(() => h.close());

const deref = (s: Schema): Schema =>
  s.$ref ? deref(doc.components!.schemas![s.$ref.replace('#/components/schemas/', '')]!) : s;

/** Values tried for a string with a pattern (the first that matches is used). */
const PATTERN_SAMPLES = ['2024-03-15', '10001234567', '279035121518989', '12:00', 'A123456789', 'texte'];

/** A plausible value of a schema (the first branch of a union). */
function sample(raw: Schema): unknown {
  const s = deref(raw);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const branch = s.anyOf ?? s.oneOf ?? s.allOf;
  if (branch) return sample(branch.find((b) => deref(b).type !== 'null') ?? branch[0]!);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]));
    case 'array':
      if (s.prefixItems) return s.prefixItems.map(sample);
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () =>
        sample(Array.isArray(s.items) ? s.items[0]! : (s.items ?? {})),
      );
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date') return '2024-03-15';
      if (s.format === 'date-time') return '2031-01-06T09:00:00+01:00';
      if (s.format === 'email') return 'a@example.org';
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        const fit = PATTERN_SAMPLES.find((c) => re.test(c));
        if (fit) return fit;
      }
      return 'texte';
    default:
      return 'texte';
  }
}

/** Every path to a string in a value (dotted, as the API names fields). */
function stringPaths(v: unknown, prefix: string[] = []): string[][] {
  if (typeof v === 'string') return [prefix];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringPaths(x, [...prefix, String(i)]));
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...prefix, k]));
  return [];
}
function setAt(v: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(v) as Record<string, unknown>;
  let at = copy;
  path.slice(0, -1).forEach((p) => (at = at[p] as Record<string, unknown>));
  at[path.at(-1)!] = value;
  return copy;
}

const routes = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      op,
      url: path.replace(/\{[^}]+\}/g, () => randomUUID()),
      body: op.requestBody?.content['application/json']?.schema,
      query: (op.parameters ?? []).filter((p) => p.in === 'query'),
    })),
  );

const NUL = 'abc\u0000def';
const LONE = 'abc\uD800def';

async function expectRefused(res: Response, what: string, field?: string) {
  expect(res.status, what).toBeLessThan(500);
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  if (field !== undefined) {
    const body = (await res.json()) as { error: { field: string | null } };
    expect(body.error.field, what).toBe(field);
  }
}

describe('every REST route of the OpenAPI document', () => {
  it('a NUL or a lone surrogate in any text field of the body: 400 naming the field', async () => {
    let checked = 0;
    for (const r of routes().filter((r) => r.body)) {
      const good = sample(r.body!);
      for (const path of stringPaths(good)) {
        for (const [label, bad] of [
          ['NUL', NUL],
          ['lone surrogate', LONE],
        ] as const) {
          const res = await h.rest(r.url, {
            key,
            method: r.method,
            body: JSON.stringify(setAt(good, path, bad)),
          });
          await expectRefused(res, `${r.method} ${r.path} ${path.join('.')} ${label}`, path.join('.'));
          expect(res.status).toBe(400);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('a NUL, a lone surrogate or an impossible date in any query parameter: 400 naming it', async () => {
    let checked = 0;
    for (const r of routes().filter((r) => r.query.length > 0)) {
      for (const p of r.query) {
        const schema = deref(p.schema);
        const dated =
          ['date', 'date-time'].includes(schema.format ?? '') || /\\d\{4\}-/.test(schema.pattern ?? '');
        for (const [label, bad] of [
          ['NUL', '%00x'],
          ['lone surrogate (UTF-8 of U+D800)', '%ED%A0%80'],
          ['invalid UTF-8', '%FF'],
          ...(dated
            ? [
                ['impossible date', schema.format === 'date-time' ? '2023-02-30T10:00:00Z' : '2023-02-30'],
                ['impossible date-time', '2023-02-30T10:00:00Z'],
              ]
            : []),
        ] as const) {
          // The other parameters valid, so the answer is about this one.
          const others = r.query
            .filter((o) => o.name !== p.name)
            .map((o) => `${o.name}=${encodeURIComponent(String(sample(o.schema)))}`);
          const res = await h.rest(`${r.url}?${[...others, `${p.name}=${bad}`].join('&')}`, { key });
          await expectRefused(res, `${r.method} ${r.path}?${p.name} ${label}`, p.name);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('an impossible date in any date field of a body: 400 naming the field', async () => {
    let checked = 0;
    for (const r of routes().filter((r) => r.body)) {
      const good = sample(r.body!);
      for (const path of stringPaths(good)) {
        const value = path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], good) as string;
        if (!/^\d{4}-\d{2}-\d{2}/.test(value)) continue;
        const bad = value.replace(/^\d{4}-\d{2}-\d{2}/, '2023-02-30');
        const res = await h.rest(r.url, {
          key,
          method: r.method,
          body: JSON.stringify(setAt(good, path, bad)),
        });
        await expectRefused(res, `${r.method} ${r.path} ${path.join('.')}`, path.join('.'));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('malformed JSON, no Content-Type, a wrong Content-Type: 400 / 415, never 5xx', async () => {
    for (const r of routes().filter((r) => r.body)) {
      const what = `${r.method} ${r.path}`;
      const good = JSON.stringify(sample(r.body!));
      const malformed = await h.rest(r.url, { key, method: r.method, body: '{"a":' });
      await expectRefused(malformed, `${what} malformed`, 'body');
      expect(malformed.status).toBe(400);
      for (const type of [
        null,
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
      ]) {
        const headers = new Headers({ authorization: `Bearer ${key}` });
        if (type) headers.set('content-type', type);
        const res = await h.app.request(`/api/v1${r.url}`, {
          method: r.method,
          headers,
          body: new TextEncoder().encode(good),
        });
        await expectRefused(res, `${what} content-type ${type}`, 'content-type');
        expect(res.status, `${what} content-type ${type}`).toBe(415);
      }
      // A body with no bytes at all where one is required.
      const empty = await h.app.request(`/api/v1${r.url}`, {
        method: r.method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      });
      await expectRefused(empty, `${what} empty`);
    }
  });

  it('every text field of a request has a maximum length within the body limit', () => {
    const unbounded: string[] = [];
    const walk = (raw: Schema, where: string) => {
      const s = deref(raw);
      for (const b of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(b, where);
      const types = Array.isArray(s.type) ? s.type : [s.type];
      if (types.includes('string') && !s.enum && s.const === undefined) {
        // A pattern anchored at both ends without open quantifiers bounds the length too.
        const bounded =
          s.maxLength !== undefined ||
          ['uuid', 'date', 'date-time'].includes(s.format ?? '') ||
          /^\^[^*+]*\$$/.test(s.pattern ?? '');
        if (!bounded || (s.maxLength ?? 0) > MAX_BODY_BYTES)
          unbounded.push(`${where} (${s.maxLength ?? 'no max'})`);
      }
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${where}.${k}`);
      if (s.items) for (const i of Array.isArray(s.items) ? s.items : [s.items]) walk(i, `${where}[]`);
      for (const i of s.prefixItems ?? []) walk(i, `${where}[]`);
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}{}`);
    };
    for (const r of routes()) {
      if (r.body) walk(r.body, `${r.method} ${r.path} body`);
      for (const p of r.query) walk(p.schema, `${r.method} ${r.path} ?${p.name}`);
    }
    expect(unbounded.join('\n')).toBe('');
  });
});

describe('tRPC', () => {
  const call = (path: string, init: RequestInit & { headers?: Record<string, string> }) =>
    h.app.request(`/trpc/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'x-rayon-tenant': slug, ...init.headers },
    });

  it('a NUL or a lone surrogate in a mutation input or a query input: 400 naming the field', async () => {
    for (const bad of [NUL, LONE]) {
      const m = await call('reporting.templates.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ok', body: bad }),
      });
      expect(m.status).toBe(400);
      expect(JSON.stringify(await m.json())).toContain('"field":"body"');
      const q = await call(`identity.search?input=${encodeURIComponent(JSON.stringify({ name: bad }))}`, {
        method: 'GET',
      });
      expect(q.status).toBe(400);
      expect(JSON.stringify(await q.json())).toContain('"field":"name"');
    }
  });

  it('an impossible date: 400 naming the field', async () => {
    const q = await call(
      `identity.search?input=${encodeURIComponent(JSON.stringify({ birthDate: '2023-02-30' }))}`,
      { method: 'GET' },
    );
    expect(q.status).toBe(400);
    expect(JSON.stringify(await q.json())).toContain('"field":"birthDate"');
    const e = await trpc.identity.create
      .mutate({
        traits: { birthFamilyName: 'X', firstBirthForename: 'Y', birthDate: '2023-02-30', sex: 'F' },
      })
      .then(
        () => null,
        (err: { data?: { field?: string; httpStatus?: number } }) => err.data,
      );
    expect(e).toMatchObject({ field: 'traits.birthDate', httpStatus: 400 });
  });

  it('a mutation with a wrong Content-Type: 415, never 5xx', async () => {
    const res = await call('reporting.templates.create', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'ok', body: 'x' }),
    });
    expect(res.status).toBe(415);
  });
});
