import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTRIBUTION, deliveryKey, NOT_SENT_REASONS, planDistribution } from './distribution.ts';

const all = {
  dmp: true,
  mssante: { enabled: true, patient: true },
  pfi: { host: '127.0.0.1', port: 2575, receivingApplication: 'PFI', receivingFacility: 'CHU' },
};
const base = {
  settings: all,
  version: 1,
  insQualified: true,
  announcementPending: false,
  referrerMailbox: 'dr@x.mssante.fr',
};
const byDestination = (p: ReturnType<typeof planDistribution>) =>
  Object.fromEntries(p.map((d) => [d.destination, d.reason ?? d.status]));

describe('distribution plan', () => {
  it('a qualified identity goes everywhere the practice distributes to', () => {
    expect(byDestination(planDistribution(base))).toEqual({
      dmp: 'pending',
      mssante_referrer: 'pending',
      mssante_patient: 'pending',
      pfi: 'pending',
    });
    expect(planDistribution(base).every((d) => d.action === 'publish')).toBe(true);
    expect(planDistribution({ ...base, version: 2 }).every((d) => d.action === 'replace')).toBe(true);
  });

  it('an identity not qualified: no DMP, no patient mail; the professional still gets it', () => {
    expect(byDestination(planDistribution({ ...base, insQualified: false }))).toEqual({
      dmp: NOT_SENT_REASONS.dmpIdentity,
      mssante_referrer: 'pending',
      mssante_patient: NOT_SENT_REASONS.patientIdentity,
      pfi: 'pending',
    });
  });

  it('an announcement pending keeps the patient mail back; no MSSanté address, no mail to the referrer', () => {
    const plan = byDestination(
      planDistribution({ ...base, announcementPending: true, referrerMailbox: null }),
    );
    expect(plan.mssante_patient).toBe(NOT_SENT_REASONS.announcementPending);
    expect(plan.mssante_referrer).toBe(NOT_SENT_REASONS.noReferrerMailbox);
    expect(plan.dmp).toBe('pending');
  });

  it('nothing configured, nothing planned; the key names version, destination and action', () => {
    expect(planDistribution({ ...base, settings: DEFAULT_DISTRIBUTION })).toEqual([]);
    expect(deliveryKey('v1', 'dmp', 'publish')).toBe('v1:dmp:publish');
  });
});
