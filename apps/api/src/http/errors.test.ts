import { AppError, ERROR_CODES } from '@rayon/domain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_MAP, fromZod, toAppError } from './errors.ts';

describe('error mapping', () => {
  it('maps every error code to an HTTP status and a tRPC code', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_MAP[code].http).toBeGreaterThanOrEqual(400);
      expect(ERROR_MAP[code].trpc).toBeTruthy();
    }
    expect(ERROR_MAP.NOT_FOUND).toEqual({ http: 404, trpc: 'NOT_FOUND' });
    expect(ERROR_MAP.RATE_LIMITED.http).toBe(429);
  });

  it('names the nested field of a zod failure, and unknown keys', () => {
    const schema = z.strictObject({ site: z.strictObject({ finess: z.string().length(9) }) });
    const nested = fromZod(schema.safeParse({ site: { finess: '1' } }).error!);
    expect(nested).toMatchObject({ code: 'BAD_INPUT', field: 'site.finess' });
    const unknown = fromZod(schema.safeParse({ site: { finess: '123456789', x: 1 } }).error!);
    expect(unknown).toMatchObject({ field: 'site.x', message: 'unknown field: x' });
  });

  it('hides the text of unexpected errors', () => {
    const e = toAppError(new Error('password=hunter2 at db'));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe('internal error');
    expect(toAppError(new AppError('CONFLICT', 'taken'))).toMatchObject({
      code: 'CONFLICT',
      message: 'taken',
    });
  });
});
