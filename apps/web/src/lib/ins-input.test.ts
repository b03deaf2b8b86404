import { describe, expect, it } from 'vitest';
import { readInsInput } from './ins-input.ts';

describe('INS typed in the patient search', () => {
  it('accepts Corsican NIRs (2A, 2B at positions 6-7), with spaces or in lower case', () => {
    expect(readInsInput('186022A21532523')).toEqual({ ins: '186022A21532523', error: null });
    expect(readInsInput('1 86 02 2a 215 325 23')).toEqual({ ins: '186022A21532523', error: null });
    expect(readInsInput('185052b12345660')).toEqual({ ins: '185052B12345660', error: null });
    expect(readInsInput('2 79 03 51 215 189 89')).toEqual({ ins: '279035121518989', error: null });
  });

  it('says in French what is wrong', () => {
    expect(readInsInput('27903512151898').error).toContain('15 caractères');
    expect(readInsInput('18602A221532523').error).toContain('2A ou 2B');
    expect(readInsInput('186022A21532524').error).toContain('clé');
  });
});
