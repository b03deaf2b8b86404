import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISTRIBUTION,
  deliveryKey,
  notificationEffect,
  NOT_SENT_REASONS,
  planDistribution,
} from './distribution.ts';

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

describe('notificationEffect', () => {
  const dsn = (kind: string, status?: string) => ({ type: 'dsn' as const, kind, detail: kind, status });
  const mdn = (kind: string, error?: { code: string; label: string }) => ({
    type: 'mdn' as const,
    kind,
    detail: kind,
    error,
  });

  it('receipts only go forward: remis, then intégré, then lu', () => {
    expect(notificationEffect(dsn('delivered', '2.0.0'), null)).toEqual({ receipt: 'delivered' });
    expect(notificationEffect(mdn('processed'), 'delivered')).toEqual({ receipt: 'processed' });
    expect(notificationEffect(mdn('displayed'), 'processed')).toEqual({ receipt: 'displayed' });
    // A DSN arriving after the MDN changes nothing.
    expect(notificationEffect(dsn('delivered'), 'displayed')).toEqual({ note: true });
  });

  it('a bounce or a refused integration needs someone, with the reason in French', () => {
    expect(notificationEffect(dsn('failed', '5.1.1'), null)).toEqual({
      failed: expect.stringMatching(/n'a pas pu être remis.*\(5\.1\.1\)/),
    });
    expect(
      notificationEffect(
        mdn('processing_failed', { code: '902', label: 'Identifiant de patient inconnu' }),
        'delivered',
      ),
    ).toEqual({ failed: expect.stringMatching(/pas pu intégrer.*Identifiant de patient inconnu \(902\)/) });
  });

  it('a delay, a relay or a deletion unread is only noted', () => {
    for (const kind of ['delayed', 'relayed', 'deleted']) {
      expect(notificationEffect(dsn(kind), null)).toEqual({ note: true });
    }
  });
});

describe('distribution plan and the visibility chosen at validation', () => {
  const restricted = (
    v: Partial<{ maskedFromProfessionals: boolean; hiddenFromLegalRepresentatives: boolean }>,
  ) =>
    byDestination(
      planDistribution({
        ...base,
        visibility: { maskedFromProfessionals: false, hiddenFromLegalRepresentatives: false, ...v },
      }),
    );
  it('masked from professionals: no mail to the referrer; the DMP, the patient and the PFI still get it', () => {
    expect(restricted({ maskedFromProfessionals: true })).toEqual({
      dmp: 'pending',
      mssante_referrer: NOT_SENT_REASONS.maskedFromProfessionals,
      mssante_patient: 'pending',
      pfi: 'pending',
    });
  });
  it('hidden from the legal representatives: no mail to the minor patient’s mailbox', () => {
    expect(restricted({ hiddenFromLegalRepresentatives: true })).toEqual({
      dmp: 'pending',
      mssante_referrer: 'pending',
      mssante_patient: NOT_SENT_REASONS.hiddenFromLegalRepresentatives,
      pfi: 'pending',
    });
  });
});
