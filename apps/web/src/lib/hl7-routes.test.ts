import { describe, expect, it } from 'vitest';
import { formatBytes, routeFieldError, routeFieldOf } from './hl7-routes.ts';

describe('HL7 routes in the portal', () => {
  it('shows sizes in Mio / Kio', () => {
    expect(formatBytes(1048576)).toBe('1 Mio');
    expect(formatBytes(4096)).toBe('4 Kio');
    expect(formatBytes(1500)).toMatch(/^1\s500 octets$/);
  });

  it('maps the API’s refusals to the form’s fields, in French', () => {
    expect(routeFieldOf('allowedSources[1]')).toBe('allowedSources');
    expect(routeFieldOf('maxMessageBytes')).toBe('maxMessageKib');
    expect(routeFieldError('maxMessageBytes', false)).toMatch(/limites permises par la plateforme/);
    expect(routeFieldError('clientCertFingerprints', false)).toMatch(/port dédié reçoit le MLLP sans TLS/);
    expect(routeFieldError('receivingFacility', true)).toMatch(/déjà routé/);
  });
});
