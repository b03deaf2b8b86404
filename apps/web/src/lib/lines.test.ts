import { expect, it } from 'vitest';
import { parseLines } from './lines.ts';

it('reads one entry per line, commas, semicolons and spaces separating too', () => {
  expect(parseLines(' CT1_SCU \n\n10.0.0.0/8, ::1;fd00::/8\r\n')).toEqual([
    'CT1_SCU',
    '10.0.0.0/8',
    '::1',
    'fd00::/8',
  ]);
  expect(parseLines('   ')).toEqual([]);
});
