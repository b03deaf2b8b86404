/**
 * Who may speak DICOM for a modality: the calling AE titles it uses, the addresses it connects
 * from and, optionally, the TLS client certificates it presents. The gateway admits an
 * association only when all of them match the modality named by the called AE title.
 */
import { badInput } from '../shared/errors.ts';
import {
  addressMatcher,
  normaliseAeTitle,
  normaliseFingerprintList,
  parseCidrList,
} from '../shared/network.ts';

/**
 * An AE title as DICOM allows it (PS3.5 6.2, VR AE): 1 to 16 characters of the default
 * repertoire, no backslash, no control character; leading and trailing spaces are not significant.
 * Returned normalised (trimmed, upper case), so ' rayon_ct1' and 'RAYON_CT1' are one title.
 */
export function parseAeTitle(input: string, field = 'aeTitle'): string {
  const title = normaliseAeTitle(input);
  if (title === '' || title.length > 16 || !/^[\x20-\x5b\x5d-\x7e]+$/.test(title)) {
    throw badInput(field, 'an AE title has 1 to 16 characters (letters, digits, _ -), no backslash', {
      reason: 'scheduling.ae_title.invalid',
    });
  }
  return title;
}

export interface ModalityCallers {
  /** The modality's own AE titles (calling AE), normalised. */
  callingAeTitles: string[];
  /** Source address ranges (CIDR, canonical text). */
  allowedSources: string[];
  /** SHA-256 fingerprints of the TLS client certificates (upper-case hex, colons). */
  clientCertFingerprints: string[];
}

/** Parses and de-duplicates what a practice registers for a modality, naming the entry at fault. */
export function parseModalityCallers(input: {
  callingAeTitles: readonly string[];
  allowedSources: readonly string[];
  clientCertFingerprints?: readonly string[] | undefined;
}): ModalityCallers {
  const callingAeTitles = [
    ...new Set(input.callingAeTitles.map((t, i) => parseAeTitle(t, `callingAeTitles[${i}]`))),
  ];
  const allowedSources = parseCidrList(input.allowedSources, 'allowedSources').map((c) => c.text);
  const clientCertFingerprints = normaliseFingerprintList(input.clientCertFingerprints ?? []);
  return { callingAeTitles, allowedSources, clientCertFingerprints };
}

/** What an association tells about its peer. */
export interface DicomPeer {
  callingAe: string;
  /** Remote address of the TCP connection. */
  address: string;
  /** Present on the DICOM TLS port: the SHA-256 fingerprint of the client certificate, if any. */
  tls?: { fingerprint256: string | undefined };
}

/**
 * Why an association is refused:
 * - `retired`: the modality is retired (takes no association);
 * - `source`: the connection comes from an address the modality has not registered;
 * - `calling-ae`: the calling AE title is not one of the modality's;
 * - `tls-required`: the modality registered client certificates, the association came in plain;
 * - `certificate`: on the TLS port, no registered certificate was presented.
 */
export type PeerRefusal = 'retired' | 'source' | 'calling-ae' | 'tls-required' | 'certificate';

/**
 * Whether `peer` may open an association with `modality`. Checked in this order: the modality is
 * in service, the address, the transport (certificate), then the calling AE title, so that an
 * unknown address learns nothing of the modality's AE titles.
 */
export function admitDicomPeer(
  modality: ModalityCallers & { retiredAt: Date | null },
  peer: DicomPeer,
): { admitted: true } | { admitted: false; refusal: PeerRefusal } {
  const refuse = (refusal: PeerRefusal) => ({ admitted: false as const, refusal });
  if (modality.retiredAt) return refuse('retired');
  if (!addressMatcher(modality.allowedSources)(peer.address)) return refuse('source');
  if (modality.clientCertFingerprints.length > 0) {
    if (!peer.tls) return refuse('tls-required');
    const presented = peer.tls.fingerprint256?.toUpperCase();
    if (!presented || !modality.clientCertFingerprints.includes(presented)) return refuse('certificate');
  }
  if (!modality.callingAeTitles.includes(normaliseAeTitle(peer.callingAe))) return refuse('calling-ae');
  return { admitted: true };
}
