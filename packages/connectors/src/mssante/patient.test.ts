import { describe, expect, it } from 'vitest';
import { isPatientMailbox, patientMailbox, patientMailDecision } from './patient.ts';

describe('patient mailbox', () => {
  it('is the matricule INS at patient.mssante.fr', () => {
    expect(patientMailbox('279035121518989')).toBe('279035121518989@patient.mssante.fr');
    expect(patientMailbox('2 79 03 51 215 189 89')).toBe('279035121518989@patient.mssante.fr');
    expect(isPatientMailbox('279035121518989@Patient.MSSante.fr')).toBe(true);
    expect(isPatientMailbox('dr@medecin.mssante.fr')).toBe(false);
  });

  it('refuses what is not a matricule INS', () => {
    expect(() => patientMailbox('279035121518988')).toThrow(/not a valid INS/);
    expect(() => patientMailbox('12')).toThrow(/not a valid INS/);
  });

  it('goes only with a qualified INS and no pending announcement', () => {
    expect(
      patientMailDecision({ qualifiedInsMatricule: '279035121518989', announcementPending: false }),
    ).toEqual({
      send: true,
      address: '279035121518989@patient.mssante.fr',
    });
    expect(patientMailDecision({ qualifiedInsMatricule: null, announcementPending: false })).toMatchObject({
      send: false,
      reason: 'identity_not_qualified',
      label: expect.stringContaining('Identité non qualifiée'),
    });
    expect(
      patientMailDecision({ qualifiedInsMatricule: '279035121518989', announcementPending: true }),
    ).toMatchObject({
      send: false,
      reason: 'announcement_pending',
      label: expect.stringContaining('Annonce en attente'),
    });
    expect(
      patientMailDecision({ qualifiedInsMatricule: undefined, announcementPending: true }),
    ).toMatchObject({
      reason: 'identity_not_qualified',
    });
  });
});
