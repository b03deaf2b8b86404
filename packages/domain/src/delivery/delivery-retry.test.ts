import { describe, expect, it } from 'vitest';
import {
  circuitAfterFailure,
  CIRCUIT_OF,
  DEFAULT_DISTRIBUTION,
  DEFAULT_RETRY_POLICY,
  DELIVERY_REASONS,
  deliveryTurn,
  planDistribution,
  retryDelayMs,
  retryHorizonPassed,
  sendActionFor,
  supersededSend,
  type DistributionSettings,
} from './distribution.ts';

const at = (s: string) => new Date(`2026-12-07T${s}Z`);
const policy = DEFAULT_RETRY_POLICY;

describe('retry backoff', () => {
  it('doubles from 2 s and stops at the cap (15 min by default), without overflow', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000,
    ]);
    expect(retryDelayMs(10, policy)).toBe(15 * 60_000);
    expect(retryDelayMs(10_000, policy)).toBe(15 * 60_000);
    expect(retryDelayMs(3, { ...policy, capMs: 5_000 })).toBe(5_000);
  });

  it('gives up after the horizon (72 h by default), counted from when the send was made or its destination went down, whichever is later', () => {
    const createdAt = at('10:00:00');
    expect(retryHorizonPassed({ now: at('10:30:00'), createdAt, circuitOpenedAt: null, policy })).toBe(false);
    const threeDays = new Date(createdAt.getTime() + 72 * 3600_000);
    expect(retryHorizonPassed({ now: threeDays, createdAt, circuitOpenedAt: null, policy })).toBe(true);
    expect(
      retryHorizonPassed({
        now: new Date(threeDays.getTime() - 1),
        createdAt,
        circuitOpenedAt: null,
        policy,
      }),
    ).toBe(false);
    // A send made during a long outage has its own 72 h.
    expect(
      retryHorizonPassed({
        now: threeDays,
        createdAt: at('12:00:00'),
        circuitOpenedAt: createdAt,
        policy,
      }),
    ).toBe(false);
    // Sent again by a person after it was failed: a new horizon from that failure.
    const outage = { now: threeDays, createdAt, circuitOpenedAt: createdAt, policy };
    expect(retryHorizonPassed(outage)).toBe(true);
    expect(retryHorizonPassed({ ...outage, restartedAt: new Date(threeDays.getTime() - 60_000) })).toBe(
      false,
    );
    expect(DELIVERY_REASONS.gaveUp(policy.horizonMs)).toBe('Envoi abandonné après 72 h de tentatives');
    expect(DELIVERY_REASONS.gaveUp(4_000)).toBe('Envoi abandonné après 4 s de tentatives');
  });
});

describe('circuit per destination', () => {
  it('both MSSanté destinations share one circuit; DMP and PFI have their own', () => {
    expect(CIRCUIT_OF).toEqual({
      dmp: 'dmp',
      mssante_referrer: 'mssante',
      mssante_patient: 'mssante',
      pfi: 'pfi',
    });
  });

  it('a retryable failure opens the circuit; another extends it: same opening, one more failure, a later probe', () => {
    const opened = circuitAfterFailure(null, at('10:42:00'), 'Le DMP ne répond pas', policy);
    expect(opened).toEqual({
      openedAt: at('10:42:00'),
      lastFailureAt: at('10:42:00'),
      failures: 1,
      nextProbeAt: at('10:42:02'),
      reason: 'Le DMP ne répond pas',
    });
    const extended = circuitAfterFailure(opened, at('10:42:02'), 'HTTP 500', policy);
    expect(extended).toEqual({
      openedAt: at('10:42:00'),
      lastFailureAt: at('10:42:02'),
      failures: 2,
      nextProbeAt: at('10:42:06'),
      reason: 'HTTP 500',
    });
    let c = extended;
    for (let i = 0; i < 20; i++) c = circuitAfterFailure(c, at('11:00:00'), 'HTTP 500', policy);
    expect(c.nextProbeAt).toEqual(at('11:15:00'));
  });

  it("a send's turn: not under another worker's live claim, not behind an older send of its patient, only as the probe while its circuit is open, not before its next attempt", () => {
    const now = at('10:00:00');
    const free = { now, claimedUntil: null, nextAttemptAt: null, olderPending: false, circuit: null };
    expect(deliveryTurn(free)).toEqual({ go: true, probe: false });
    expect(deliveryTurn({ ...free, claimedUntil: at('10:05:00') })).toEqual({
      go: false,
      why: 'claimed',
      until: at('10:05:00'),
    });
    // A lease that expired (its worker died): the send goes again.
    expect(deliveryTurn({ ...free, claimedUntil: at('09:55:00') })).toEqual({ go: true, probe: false });
    expect(deliveryTurn({ ...free, olderPending: true })).toEqual({ go: false, why: 'older', until: null });
    expect(deliveryTurn({ ...free, circuit: { nextProbeAt: at('10:15:00') } })).toEqual({
      go: false,
      why: 'circuit',
      until: at('10:15:00'),
    });
    expect(deliveryTurn({ ...free, circuit: { nextProbeAt: at('09:59:59') } })).toEqual({
      go: true,
      probe: true,
    });
    // Behind an older send of the patient, even when the probe is due.
    expect(
      deliveryTurn({ ...free, olderPending: true, circuit: { nextProbeAt: at('09:00:00') } }),
    ).toMatchObject({
      go: false,
      why: 'older',
    });
    expect(deliveryTurn({ ...free, nextAttemptAt: at('10:01:00') })).toEqual({
      go: false,
      why: 'not_due',
      until: at('10:01:00'),
    });
  });
});

describe('publish or replace; superseded versions', () => {
  const settings: DistributionSettings = {
    ...DEFAULT_DISTRIBUTION,
    dmp: true,
    mssante: { enabled: true, patient: true },
    pfi: { host: 'pfi.chu.example', port: 2575, receivingApplication: 'PFI', receivingFacility: 'CHU' },
  };

  it('a correction replaces only where an earlier version arrived; elsewhere it goes as an original', () => {
    expect(sendActionFor(1, false)).toBe('publish');
    expect(sendActionFor(1, true)).toBe('publish');
    expect(sendActionFor(2, true)).toBe('replace');
    expect(sendActionFor(2, false)).toBe('publish');
    const plan = planDistribution({
      settings,
      version: 2,
      insQualified: true,
      announcementPending: false,
      referrerMailbox: 'sophie.martin@medecin.mssante.fr',
      deliveredBefore: new Set(['pfi', 'mssante_referrer']),
    });
    expect(Object.fromEntries(plan.map((p) => [p.destination, p.action]))).toEqual({
      dmp: 'publish',
      mssante_referrer: 'replace',
      mssante_patient: 'publish',
      pfi: 'replace',
    });
  });

  it('a replaced or withdrawn version is never sent again; only its withdrawal may go', () => {
    for (const action of ['publish', 'replace', 'visibility']) {
      expect(supersededSend('replaced', action)).toBe(true);
      expect(supersededSend('withdrawn', action)).toBe(true);
      expect(supersededSend('validated', action)).toBe(false);
    }
    expect(supersededSend('withdrawn', 'withdraw')).toBe(false);
    expect(DELIVERY_REASONS.replaced(2)).toBe(
      "Version remplacée par la version 2 avant l'envoi : elle n'est plus envoyée",
    );
  });
});
