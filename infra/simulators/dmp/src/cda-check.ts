import { DOMParser, type Element } from '@xmldom/xmldom';
import { parseInsCx, XdsError, type CheckedEntry } from './metadata-check.ts';

const HL7 = 'urn:hl7-org:v3';

function child(el: Element | undefined, name: string): Element | undefined {
  return el
    ? (Array.from(el.childNodes).find(
        (n) => n.nodeType === 1 && (n as Element).namespaceURI === HL7 && (n as Element).localName === name,
      ) as Element | undefined)
    : undefined;
}
function childrenNamed(el: Element | undefined, name: string): Element[] {
  return el
    ? (Array.from(el.childNodes).filter(
        (n) => n.nodeType === 1 && (n as Element).namespaceURI === HL7 && (n as Element).localName === name,
      ) as Element[])
    : [];
}
const error = (context: string) => new XdsError('XDSRepositoryMetadataError', `CDA : ${context}`);

/**
 * The CDA says what the metadata says (IG-HL7-CDA mapping, national-services.md §1.3): uniqueId =
 * ClinicalDocument/id, typeCode = code, first confidentialityCode = confidentialityCode, patientId =
 * the INS in recordTarget/patientRole/id, and a replacement (RPLC association) carries
 * relatedDocument typeCode RPLC naming the replaced document (DRIM-DATA PFI.01).
 */
export function checkCdaAgainstEntry(
  cda: Buffer,
  entry: CheckedEntry,
  replacedUniqueId: string | undefined,
): void {
  let root: Element | undefined;
  try {
    root = new DOMParser({ onError: () => undefined }).parseFromString(cda.toString('utf8'), 'text/xml')
      .documentElement as Element | undefined;
  } catch {
    root = undefined;
  }
  if (!root || root.namespaceURI !== HL7 || root.localName !== 'ClinicalDocument') {
    throw error('ClinicalDocument HL7 v3 attendu');
  }
  const id = child(root, 'id');
  const uid = id?.getAttribute('extension')
    ? `${id.getAttribute('root') ?? ''}^${id.getAttribute('extension') ?? ''}`
    : (id?.getAttribute('root') ?? '');
  if (uid !== entry.uniqueId) throw error('ClinicalDocument/id ≠ uniqueId');
  if (child(root, 'code')?.getAttribute('code') !== entry.typeCode) throw error('code ≠ typeCode');
  if (child(root, 'confidentialityCode')?.getAttribute('code') !== entry.confidentialityCodes[0]) {
    throw error('confidentialityCode ≠ métadonnées');
  }
  const ins = parseInsCx(entry.patientId);
  const patientIds = childrenNamed(child(child(root, 'recordTarget'), 'patientRole'), 'id');
  if (
    !ins ||
    !patientIds.some(
      (i) => i.getAttribute('root') === ins.oid && i.getAttribute('extension') === ins.matricule,
    )
  ) {
    throw error("l'INS du patient ne correspond pas au patientId");
  }
  const related = childrenNamed(root, 'relatedDocument').find((r) => r.getAttribute('typeCode') === 'RPLC');
  const parentId = child(child(related, 'parentDocument'), 'id')?.getAttribute('root');
  if (replacedUniqueId !== undefined && parentId !== replacedUniqueId) {
    throw error('remplacement sans relatedDocument RPLC vers le document remplacé');
  }
  if (replacedUniqueId === undefined && related) throw error('relatedDocument RPLC sans association RPLC');
}
