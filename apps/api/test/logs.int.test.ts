/** Patient data never reaches the logs: every request of an identity workflow, logged at debug. */
import { createTestTenant } from '@rayon/db/testing';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
const lines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  h = await createHarness({ logger: createLogger('debug', sink) });
});
afterAll(() => h.close());

describe('logs', () => {
  it('hold ids, never names, birth dates or INS', async () => {
    const t = await createTestTenant(h.db);
    const u = await h.signedInUser({
      email: uniqueEmail('sec'),
      memberships: [{ tenant: t, roles: ['secretary'] }],
    });
    const desk = h.trpc({ token: u.token, tenant: t.slug });
    const traits = {
      birthFamilyName: 'CONFIDENTIEL',
      firstBirthForename: 'Bénédicte',
      birthDate: '1961-07-14',
      sex: 'F' as const,
    };
    const p = await desk.identity.create.mutate({
      traits,
      identifiers: [{ authority: 'RAYON', value: 'IPP-SECRET-42' }],
    });
    await desk.identity.search.query({ name: 'confidentiel' });
    await desk.identity.history.query({ id: p.id });
    await trpcError(
      desk.identity.create.mutate({ traits, identifiers: [{ authority: 'RAYON', value: 'IPP-SECRET-42' }] }),
    );
    const all = lines.join('');
    expect(all).toContain('"requestId"');
    expect(all).not.toMatch(/CONFIDENTIEL|confidentiel|Bénédicte|1961-07-14|IPP-SECRET-42/);
  });
});
