import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { Reason } from '@rayon/domain';
import { certificateError, OrganisationCertificate } from './organisation-certificate.ts';

const NOT_PKCS12: Reason = { reason: 'certificates.p12.not_pkcs12' };

/**
 * Reads the PKCS#12 (.p12 / .pfx) file the ANS delivers for an organisation certificate
 * (IGC-Santé "certificat logiciel"): one private key, its certificate, and usually the CA chain.
 *
 * Decoding is node-forge's PKCS#12 reader (RFC 7292; legacy 3DES/RC2 and PBES2/AES bags, SHA-1 or
 * SHA-2 MAC). Node has no PKCS#12 reader outside TLS contexts. Keys of any algorithm are
 * accepted (forge hands unknown key types back as PKCS#8 ASN.1); the leaf is the certificate
 * whose public key matches the private key, the others form the chain.
 *
 * Errors are `AppError('BAD_INPUT', …, { field: 'certificate' })` with a message a practice
 * administrator can act on. The passphrase and the key never appear in messages.
 */
export function parsePkcs12(p12: Buffer, passphrase: string): OrganisationCertificate {
  if (!Buffer.isBuffer(p12) || p12.length === 0)
    throw certificateError('The certificate file is empty.', undefined, { reason: 'certificates.p12.empty' });

  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
  } catch (cause) {
    throw certificateError('The file is not a PKCS#12 certificate (.p12 / .pfx).', cause, NOT_PKCS12);
  }

  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (cause) {
    const text = cause instanceof Error ? cause.message : String(cause);
    if (/MAC could not be verified|Invalid password|wrong password|decrypt/i.test(text)) {
      throw certificateError('Wrong passphrase for this PKCS#12 certificate file.', cause, {
        reason: 'certificates.p12.passphrase',
      });
    }
    if (/unsupported/i.test(text)) {
      throw certificateError(`This PKCS#12 file uses an algorithm that is not supported (${text}).`, cause, {
        reason: 'certificates.p12.algorithm',
        params: { algorithm: text },
      });
    }
    throw certificateError('The file is not a PKCS#12 certificate (.p12 / .pfx).', cause, NOT_PKCS12);
  }

  const keys = collectKeys(pfx);
  const certificates = collectCertificates(pfx);
  if (keys.length === 0) {
    throw certificateError('The PKCS#12 file contains no private key.', undefined, {
      reason: 'certificates.p12.no_key',
    });
  }
  if (certificates.length === 0) {
    throw certificateError('The PKCS#12 file contains no certificate.', undefined, {
      reason: 'certificates.p12.no_certificate',
    });
  }
  if (keys.length > 1) {
    throw certificateError('The PKCS#12 file contains several private keys; expected one.', undefined, {
      reason: 'certificates.p12.several_keys',
    });
  }
  const key = keys[0] as KeyObject;

  const leaf = certificates.find((c) => c.checkPrivateKey(key));
  if (!leaf) {
    throw certificateError('No certificate of the PKCS#12 file matches its private key.', undefined, {
      reason: 'certificates.p12.key_mismatch',
    });
  }
  const chain = orderChain(
    leaf,
    certificates.filter((c) => c !== leaf),
  );
  return OrganisationCertificate.fromX509(
    leaf,
    key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    chain,
  );
}

/** SafeBag types (RFC 7292 §4.2). */
const BAG = {
  key: '1.2.840.113549.1.12.10.1.1',
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  cert: '1.2.840.113549.1.12.10.1.3',
} as const;

function collectKeys(pfx: forge.pkcs12.Pkcs12Pfx): KeyObject[] {
  const bags = [
    ...(pfx.getBags({ bagType: BAG.shroudedKey })[BAG.shroudedKey] ?? []),
    ...(pfx.getBags({ bagType: BAG.key })[BAG.key] ?? []),
  ];
  const keys: KeyObject[] = [];
  for (const bag of bags) {
    let pem: string;
    if (bag.key) {
      pem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)));
    } else if (bag.asn1) {
      pem = forge.pki.privateKeyInfoToPem(bag.asn1);
    } else {
      continue;
    }
    try {
      keys.push(createPrivateKey(pem));
    } catch (cause) {
      throw certificateError('The private key of the PKCS#12 file cannot be read.', cause);
    }
  }
  return keys;
}

function collectCertificates(pfx: forge.pkcs12.Pkcs12Pfx): X509Certificate[] {
  const bags = pfx.getBags({ bagType: BAG.cert })[BAG.cert] ?? [];
  const out: X509Certificate[] = [];
  for (const bag of bags) {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
    if (!asn1) continue;
    const der = Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
    try {
      out.push(new X509Certificate(der));
    } catch (cause) {
      throw certificateError('A certificate of the PKCS#12 file cannot be read.', cause);
    }
  }
  return out;
}

/** Chain in issuing order from the leaf upwards; certificates that do not link are kept at the end. */
function orderChain(leaf: X509Certificate, others: X509Certificate[]): X509Certificate[] {
  const ordered: X509Certificate[] = [];
  const remaining = [...others];
  let current = leaf;
  for (;;) {
    const index = remaining.findIndex((c) => current.checkIssued(c) && c !== current);
    if (index < 0) break;
    const [issuer] = remaining.splice(index, 1);
    if (!issuer || issuer.checkIssued(issuer)) {
      // Self-signed root: keep it last, TLS peers never need it but it documents the chain.
      if (issuer) ordered.push(issuer);
      break;
    }
    ordered.push(issuer);
    current = issuer;
  }
  return [...ordered, ...remaining];
}
