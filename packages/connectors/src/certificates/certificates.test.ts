import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { AppError } from '@rayon/domain';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkUsable, OrganisationCertificate, parsePkcs12 } from './index.ts';
import { makeCertificate, toP12, type TestCertificate } from './test-support.ts';

/** OpenSSL-made files (the shape practices upload) need the `openssl` command. */
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const NOW = new Date('2026-03-01T10:00:00Z');
const DAY = 86_400_000;

let root: TestCertificate;
let intermediate: TestCertificate;
let leaf: TestCertificate;

beforeAll(() => {
  root = makeCertificate({
    subject: [{ shortName: 'CN', value: 'TEST AC RACINE IGC-SANTE ELEMENTAIRE' }],
    notBefore: new Date(NOW.getTime() - 1000 * DAY),
    notAfter: new Date(NOW.getTime() + 3000 * DAY),
    isCa: true,
    serial: '01',
  });
  intermediate = makeCertificate({
    subject: [{ shortName: 'CN', value: 'TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS' }],
    issuer: root,
    notBefore: new Date(NOW.getTime() - 900 * DAY),
    notAfter: new Date(NOW.getTime() + 2000 * DAY),
    isCa: true,
    serial: '02',
  });
  leaf = makeCertificate({
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: "CENTRE D'IMAGERIE DE L'ÉTOILE", valueTagClass: forge.asn1.Type.UTF8 },
      { shortName: 'OU', value: '1990000002' },
      { shortName: 'CN', value: 'INSI-AUTO' },
    ] as forge.pki.CertificateField[],
    issuer: intermediate,
    notBefore: new Date(NOW.getTime() - 10 * DAY),
    notAfter: new Date(NOW.getTime() + 365 * DAY),
    extendedKeyUsage: { clientAuth: true },
    serial: '7f01',
  });
});

function expectBadCertificate(fn: () => unknown, message: RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('BAD_INPUT');
    expect((e as AppError).field).toBe('certificate');
    expect((e as AppError).message).toMatch(message);
    return;
  }
  throw new Error('expected an error');
}

describe('parsePkcs12', () => {
  it('reads key, leaf, chain, names, serial, dates and fingerprint', () => {
    const p12 = toP12(leaf, [root, intermediate], 'S3cret!');
    const cert = parsePkcs12(p12, 'S3cret!');
    expect(cert.subject).toEqual({
      C: 'FR',
      O: "CENTRE D'IMAGERIE DE L'ÉTOILE",
      OU: '1990000002',
      CN: 'INSI-AUTO',
    });
    expect(cert.commonName).toBe('INSI-AUTO');
    expect(cert.issuer).toEqual({ CN: 'TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS' });
    expect(cert.serialNumber).toBe('7F01');
    expect(cert.notBefore.getTime()).toBe(Math.floor(leaf.cert.validity.notBefore.getTime() / 1000) * 1000);
    expect(cert.notAfter.getTime()).toBe(Math.floor(leaf.cert.validity.notAfter.getTime() / 1000) * 1000);
    expect(cert.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.certPem).toContain('BEGIN CERTIFICATE');
    expect(cert.keyPem).toContain('BEGIN PRIVATE KEY');
    // Chain ordered from the leaf upwards, whatever the order in the file.
    expect(cert.chainPem).toHaveLength(2);
    expect(new X509Certificate(cert.chainPem[0] as string).subject).toContain('ORGANISATIONS');
  });

  it('reads a legacy 3DES file too', () => {
    const cert = parsePkcs12(toP12(leaf, [], 'pw', { algorithm: '3des' }), 'pw');
    expect(cert.commonName).toBe('INSI-AUTO');
    expect(cert.chainPem).toEqual([]);
  });

  it.skipIf(!hasOpenssl)(
    'reads a PKCS#12 made by OpenSSL 3 with its defaults (PBES2, AES-256, SHA-256 MAC)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'rayon-p12-'));
      try {
        writeFileSync(join(dir, 'cert.pem'), leaf.certPem);
        writeFileSync(join(dir, 'key.pem'), leaf.keyPem);
        writeFileSync(join(dir, 'ca.pem'), intermediate.certPem);
        // prettier-ignore
        execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem'),
        '-certfile', join(dir, 'ca.pem'), '-passout', 'pass:openssl-pw', '-out', join(dir, 'org.p12')]);
        const cert = parsePkcs12(readFileSync(join(dir, 'org.p12')), 'openssl-pw');
        expect(cert.subject.OU).toBe('1990000002');
        expect(cert.chainPem).toHaveLength(1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!hasOpenssl)('reads an EC key and certificate (node-forge itself only parses RSA)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rayon-p12-'));
    try {
      // prettier-ignore
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/C=FR/O=EC TEST/OU=3123/CN=INSI-MANU', '-days', '10'], { stdio: 'ignore' });
      // prettier-ignore
      execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, 'cert.pem'), '-inkey', join(dir, 'key.pem'),
        '-passout', 'pass:pw', '-out', join(dir, 'ec.p12')]);
      const cert = parsePkcs12(readFileSync(join(dir, 'ec.p12')), 'pw');
      expect(cert.subject).toEqual({ C: 'FR', O: 'EC TEST', OU: '3123', CN: 'INSI-MANU' });
      expect(cert.keyPem).toContain('BEGIN PRIVATE KEY');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong passphrase with a clear error', () => {
    expectBadCertificate(() => parsePkcs12(toP12(leaf, [], 'right'), 'wrong'), /Wrong passphrase/);
  });

  it('refuses a file that is not PKCS#12', () => {
    expectBadCertificate(() => parsePkcs12(Buffer.from(leaf.certPem), 'x'), /not a PKCS#12/);
    expectBadCertificate(
      () => parsePkcs12(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x03]), 'x'),
      /not a PKCS#12/,
    );
    expectBadCertificate(() => parsePkcs12(Buffer.alloc(0), 'x'), /empty/);
  });

  it('refuses a file without key, or without certificate', () => {
    expectBadCertificate(
      () => parsePkcs12(toP12(leaf, [], 'pw', { withKey: false }), 'pw'),
      /no private key/,
    );
    const keyOnly = forge.pkcs12.toPkcs12Asn1(leaf.key, [], 'pw', {
      algorithm: 'aes256',
      generateLocalKeyId: false,
    });
    const keyOnlyDer = Buffer.from(forge.asn1.toDer(keyOnly).getBytes(), 'binary');
    expectBadCertificate(() => parsePkcs12(keyOnlyDer, 'pw'), /no certificate/);
  });

  it('refuses a key that matches none of the certificates', () => {
    const asn1 = forge.pkcs12.toPkcs12Asn1(intermediate.key, [leaf.cert], 'pw', { algorithm: 'aes256' });
    const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    expectBadCertificate(() => parsePkcs12(der, 'pw'), /matches its private key/);
  });
});

describe('the private key never leaks', () => {
  it('is absent from JSON, inspect, spread and keys', () => {
    const cert = parsePkcs12(toP12(leaf, [intermediate], 'pw'), 'pw');
    const keyBody = cert.keyPem.split('\n')[1] as string;
    expect(JSON.stringify(cert)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify({ nested: { cert } })).not.toContain(keyBody);
    expect(inspect(cert, { depth: 5 })).not.toContain(keyBody);
    expect(inspect(cert)).toContain('[redacted]');
    expect(JSON.stringify({ ...cert })).not.toContain('PRIVATE KEY');
    expect(Object.keys(cert)).not.toContain('keyPem');
    expect(JSON.parse(JSON.stringify(cert))).toMatchObject({
      subject: { CN: 'INSI-AUTO' },
      serialNumber: '7F01',
    });
  });
});

describe('OrganisationCertificate.fromPem', () => {
  it('rebuilds the certificate from stored PEMs', () => {
    const cert = OrganisationCertificate.fromPem({
      certPem: leaf.certPem,
      keyPem: leaf.keyPem,
      chainPem: [intermediate.certPem],
    });
    expect(cert.subject.CN).toBe('INSI-AUTO');
    expect(cert.chainPem).toHaveLength(1);
  });

  it('refuses a key of another certificate', () => {
    expectBadCertificate(
      () => OrganisationCertificate.fromPem({ certPem: leaf.certPem, keyPem: intermediate.keyPem }),
      /does not match/,
    );
  });
});

describe('checkUsable', () => {
  const at = (days: number) => new Date(NOW.getTime() + days * DAY);

  it('accepts a valid INSI-AUTO certificate of the expected structure', () => {
    const cert = OrganisationCertificate.fromPem(leaf);
    expect(() =>
      checkUsable(cert, { now: NOW, expectedCn: 'INSI-AUTO', expectedStructureId: '1990000002' }),
    ).not.toThrow();
  });

  it('refuses an expired certificate, giving the dates', () => {
    const cert = OrganisationCertificate.fromPem(leaf);
    const expiry = cert.notAfter.toISOString().slice(0, 10);
    expectBadCertificate(() => checkUsable(cert, { now: at(400) }), new RegExp(`expired on ${expiry}`));
  });

  it('refuses a certificate not valid yet, giving the dates', () => {
    const cert = OrganisationCertificate.fromPem(leaf);
    expectBadCertificate(
      () => checkUsable(cert, { now: at(-30) }),
      new RegExp(`not valid yet: valid from ${cert.notBefore.toISOString().slice(0, 10)}`),
    );
  });

  it('refuses the wrong CN for INSi', () => {
    const cert = OrganisationCertificate.fromPem(leaf);
    expectBadCertificate(
      () => checkUsable(cert, { now: NOW, expectedCn: 'INSI-MANU' }),
      /"INSI-AUTO" but INSi requires "INSI-MANU"/,
    );
  });

  it('refuses a certificate of another structure', () => {
    const cert = OrganisationCertificate.fromPem(leaf);
    expectBadCertificate(
      () => checkUsable(cert, { now: NOW, expectedStructureId: '3123456789' }),
      /another structure/,
    );
  });

  it('refuses a certificate whose extended key usage excludes client authentication', () => {
    const signing = makeCertificate({
      subject: [{ shortName: 'CN', value: 'INSI-AUTO' }],
      issuer: intermediate,
      notBefore: at(-1),
      notAfter: at(100),
      extendedKeyUsage: { emailProtection: true },
    });
    expectBadCertificate(
      () => checkUsable(OrganisationCertificate.fromPem(signing), { now: NOW }),
      /clientAuth/,
    );
  });
});
