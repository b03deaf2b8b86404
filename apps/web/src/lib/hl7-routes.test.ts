import { describe, expect, it } from 'vitest';
import { formatBytes, routeFieldError, routeFieldOf } from './hl7-routes.ts';

describe('HL7 routes in the portal', () => {
  it('shows sizes in Mio / Kio', () => {
    expect(formatBytes(1048576)).toBe('1 Mio');
    expect(formatBytes(4096)).toBe('4 Kio');
    expect(formatBytes(1500)).toMatch(/^1\s500 octets$/);
  });

  it('names the line of a refused sender, in French', () => {
    expect(routeFieldOf('allowedSources[1]')).toBe('allowedSources');
    expect(routeFieldOf('maxMessageBytes')).toBe('maxMessageKib');
    expect(routeFieldError('allowedSources[1]', false)).toMatch(/^Adresse ou plage invalide \(ligne 2\)/);
    expect(routeFieldError('clientCertFingerprints[0]', false)).toMatch(/^Empreinte invalide \(ligne 1\)/);
    expect(routeFieldError('receivingFacility', true)).toMatch(/déjà routé/);
  });
});
