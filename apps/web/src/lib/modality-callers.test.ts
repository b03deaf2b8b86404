import { describe, expect, it } from 'vitest';
import { callersFieldError, callersFieldOf, callingAeTitlesError } from './modality-callers.ts';

describe('modality callers in the portal', () => {
  it('maps the API’s field to the form field and a French sentence with the line', () => {
    expect(callersFieldOf('allowedSources[2]')).toBe('allowedSources');
    expect(callersFieldOf('aeTitle')).toBeUndefined();
    expect(callersFieldError('allowedSources[2]')).toMatch(/^Adresse ou plage invalide \(ligne 3\)/);
    expect(callersFieldError('clientCertFingerprints[0]')).toMatch(/^Empreinte invalide \(ligne 1\)/);
  });
  it('checks calling AE titles before sending', () => {
    expect(callingAeTitlesError(['CT1_SCU', 'A\\B'])).toMatch(/ligne 2/);
    expect(callingAeTitlesError(['X'.repeat(17)])).toMatch(/ligne 1/);
    expect(callingAeTitlesError(['ct1_scu'])).toBeUndefined();
  });
});
