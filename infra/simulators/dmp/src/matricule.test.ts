import { describe, expect, it } from 'vitest';
import { readMatricule } from './matricule.ts';

describe("the DMP simulator's own matricule INS check", () => {
  it('accepts NIRs and NIAs of the INSi test kit, and Corsican numbers (2A as 19, 2B as 18)', () => {
    expect(readMatricule('279035121518989')).toEqual({ valid: true, matricule: '279035121518989' });
    expect(readMatricule('109076322083489').valid).toBe(true);
    expect(readMatricule('180032B02040123').valid).toBe(true);
    expect(readMatricule('186022a21532523')).toEqual({ valid: true, matricule: '186022A21532523' });
  });

  it('tells length, structure and key apart', () => {
    expect(readMatricule('27903512151898')).toEqual({ valid: false, reason: 'length' });
    expect(readMatricule('579035121518989')).toEqual({ valid: false, reason: 'format' });
    expect(readMatricule('279135121518989')).toEqual({ valid: false, reason: 'format' });
    expect(readMatricule('279030021518989')).toEqual({ valid: false, reason: 'format' });
    expect(readMatricule('279035121518988')).toEqual({ valid: false, reason: 'key' });
  });
});
