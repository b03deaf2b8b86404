import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { loggableError } from './log-safe.ts';

describe('loggableError', () => {
  it('keeps no value of a failed query', () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint "patients_ins_idx"'), {
      name: 'PostgresError',
      code: '23505',
      constraint_name: 'patients_ins_idx',
      table_name: 'patients',
      detail: 'Key (ins_matricule, ins_oid)=(279035121518989, 1.2.250.1.213.1.4.10) already exists.',
    });
    const wrapped = new DrizzleQueryError(
      'insert into "patients" … values ($1, $2)',
      ['PAT-TROIS', '279035121518989'],
      pg,
    );
    const logged = JSON.stringify(loggableError(wrapped));
    expect(logged).not.toMatch(/PAT-TROIS|279035121518989/);
    expect(loggableError(wrapped)).toMatchObject({ code: '23505', constraint: 'patients_ins_idx' });
  });

  it('keeps the message of other errors', () => {
    expect(loggableError(new Error('redis down'))).toEqual({ name: 'Error', message: 'redis down' });
  });
});
