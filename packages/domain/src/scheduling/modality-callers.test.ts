import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.ts';
import { admitDicomPeer, parseAeTitle, parseModalityCallers } from './modality-callers.ts';

const FP = 'AB:'.repeat(31) + 'AB';

describe('parseAeTitle', () => {
  it('normalises: trimmed, upper case', () => {
    expect(parseAeTitle(' rayon_ct1 ')).toBe('RAYON_CT1');
  });
  it.each(['', '   ', 'A'.repeat(17), 'A\\B', 'A\nB', 'É'])('refuses %j naming the field', (bad) => {
    try {
      parseAeTitle(bad, 'callingAeTitles[1]');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).field).toBe('callingAeTitles[1]');
    }
  });
});

describe('parseModalityCallers', () => {
  it('normalises and de-duplicates', () => {
    expect(
      parseModalityCallers({
        callingAeTitles: ['ct1_scu', ' CT1_SCU'],
        allowedSources: ['10.1.2.0/24', '10.1.2.0/24', '::1'],
        clientCertFingerprints: [FP.replaceAll(':', '').toLowerCase()],
      }),
    ).toEqual({
      callingAeTitles: ['CT1_SCU'],
      allowedSources: ['10.1.2.0/24', '::1/128'],
      clientCertFingerprints: [FP],
    });
  });
  it('names the entry at fault', () => {
    expect(() => parseModalityCallers({ callingAeTitles: [], allowedSources: ['10.0.0.1/8'] })).toThrow(
      expect.objectContaining({ field: 'allowedSources[0]' }),
    );
  });
});

describe('admitDicomPeer', () => {
  const modality = {
    callingAeTitles: ['CT1_SCU'],
    allowedSources: ['10.1.2.0/24'],
    clientCertFingerprints: [] as string[],
    retiredAt: null,
  };
  const peer = { callingAe: 'ct1_scu ', address: '::ffff:10.1.2.7' };
  it('admits a registered caller from a registered address', () => {
    expect(admitDicomPeer(modality, peer)).toEqual({ admitted: true });
  });
  it('refuses, address first', () => {
    expect(admitDicomPeer(modality, { ...peer, address: '10.1.3.7' })).toMatchObject({ refusal: 'source' });
    expect(admitDicomPeer(modality, { ...peer, callingAe: 'OTHER', address: '10.9.9.9' })).toMatchObject({
      refusal: 'source',
    });
    expect(admitDicomPeer(modality, { ...peer, callingAe: 'OTHER' })).toMatchObject({
      refusal: 'calling-ae',
    });
    expect(admitDicomPeer({ ...modality, retiredAt: new Date() }, peer)).toMatchObject({
      refusal: 'retired',
    });
  });
  it('with registered certificates: TLS and one of them', () => {
    const tls = { ...modality, clientCertFingerprints: [FP] };
    expect(admitDicomPeer(tls, peer)).toMatchObject({ refusal: 'tls-required' });
    expect(admitDicomPeer(tls, { ...peer, tls: { fingerprint256: undefined } })).toMatchObject({
      refusal: 'certificate',
    });
    expect(admitDicomPeer(tls, { ...peer, tls: { fingerprint256: 'CD:'.repeat(31) + 'CD' } })).toMatchObject({
      refusal: 'certificate',
    });
    expect(admitDicomPeer(tls, { ...peer, tls: { fingerprint256: FP } })).toEqual({ admitted: true });
    // Without registered certificates, TLS is welcome too.
    expect(admitDicomPeer(modality, { ...peer, tls: { fingerprint256: undefined } })).toEqual({
      admitted: true,
    });
  });
});
