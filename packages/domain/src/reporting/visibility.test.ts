import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import {
  assertVisibility,
  documentVisibility,
  isMinorOn,
  NO_VISIBILITY_RESTRICTION,
  visibilityProblems,
  type VisibilityChoice,
} from './visibility.ts';

const adult = { birthDate: '1961-12-08', today: '2026-12-07', announcementPending: false, dmp: true };
const minor = { ...adult, birthDate: '2010-06-01' };
const choice = (c: Partial<VisibilityChoice>): VisibilityChoice => ({ ...NO_VISIBILITY_RESTRICTION, ...c });
const fields = (c: Partial<VisibilityChoice>, ctx = adult) =>
  visibilityProblems(choice(c), ctx).map((p) => `${p.field}:${p.reason}`);

describe('visibility chosen at validation (CI-SIS MetaDMPMSS matrix)', () => {
  it('no restriction is always accepted; masked from professionals alone too', () => {
    expect(fields({})).toEqual([]);
    expect(fields({}, minor)).toEqual([]);
    expect(fields({ maskedFromProfessionals: true })).toEqual([]);
  });

  it('minority is counted on the day of the validation', () => {
    expect(isMinorOn('2008-12-07', '2026-12-07')).toBe(false);
    expect(isMinorOn('2008-12-08', '2026-12-07')).toBe(true);
  });

  it('« Non visible par les représentants légaux » only for a minor', () => {
    expect(fields({ hiddenFromLegalRepresentatives: true })).toEqual([
      'hiddenFromLegalRepresentatives:legal_representatives_minor_only',
    ]);
    expect(fields({ hiddenFromLegalRepresentatives: true }, minor)).toEqual([]);
  });

  it('connexion secrète: a minor, hidden from the legal representatives, and the DMP', () => {
    expect(fields({ secretConnection: true, hiddenFromLegalRepresentatives: true }, minor)).toEqual([]);
    expect(fields({ secretConnection: true })).toEqual(['secretConnection:secret_connection_minor_only']);
    expect(fields({ secretConnection: true }, minor)).toEqual([
      'secretConnection:secret_connection_needs_legal_representatives',
    ]);
    expect(
      fields({ secretConnection: true, hiddenFromLegalRepresentatives: true }, { ...minor, dmp: false }),
    ).toEqual(['secretConnection:secret_connection_needs_dmp']);
  });

  it('masked from professionals: never with connexion secrète, never while invisible to the patient', () => {
    expect(
      fields(
        { maskedFromProfessionals: true, secretConnection: true, hiddenFromLegalRepresentatives: true },
        minor,
      ),
    ).toEqual(['maskedFromProfessionals:masked_with_secret_connection']);
    expect(fields({ maskedFromProfessionals: true }, { ...adult, announcementPending: true })).toEqual([
      'maskedFromProfessionals:masked_while_hidden_from_patient',
    ]);
  });

  it('a refusal is a BAD_INPUT naming the field with a stable reason key', () => {
    let error: unknown;
    try {
      assertVisibility(choice({ hiddenFromLegalRepresentatives: true }), adult);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_INPUT');
    expect((error as AppError).field).toBe('hiddenFromLegalRepresentatives');
    expect((error as AppError).reasonKey).toBe('reporting.visibility.legal_representatives_minor_only');
    expect(() => assertVisibility(choice({}), adult)).not.toThrow();
  });

  it('the document carries the choices and INVISIBLE_PATIENT while the announcement is pending', () => {
    expect(documentVisibility(choice({ maskedFromProfessionals: true }), true)).toEqual({
      masquePs: true,
      invisiblePatient: true,
      invisibleRepresentantsLegaux: false,
      connexionSecrete: false,
    });
  });
});
