import { INS_OID_VALUES, isOneOf, type Ins, type Sex, type StrictTraits } from '@rayon/domain';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InsiError, type SiramFault } from './errors.ts';
import { RESULT_CODES, SOAP12_NS, type InsiResultCode } from './protocol.ts';

/** An INS of the answer (INSACTIF or INSHISTO), with its validity dates when the service gives them. */
export interface InsHistoryEntry extends Ins {
  /** DateDeb (xs:date), when present. */
  validFrom?: string;
  /** DateFin (xs:date), when present. */
  validTo?: string;
}

/** TIQ (traits d'identité qualifiés) exactly as the service returned them, element by element. */
export interface ReturnedTraits {
  NomNaissance?: string;
  Prenom?: string;
  ListePrenom?: string;
  Sexe?: string;
  DateNaissance?: string;
  LieuNaissance?: string;
}

export interface InsiIdentity {
  /** INSACTIF: matricule (NumIdentifiant + Cle) and OID. */
  ins: InsHistoryEntry;
  /** INSHISTO, in the order returned (may repeat the active INS, as in CNDA TEST_2.08). */
  history: InsHistoryEntry[];
  /**
   * TIQ as strict traits, values unchanged: NomNaissance → birthFamilyName, Prenom →
   * firstBirthForename, ListePrenom → birthForenames, Sexe, DateNaissance (may hold 00 as day or
   * month: the domain decides), LieuNaissance → birthPlaceCode. When the service leaves Prenom out
   * (CNDA TEST_2.04_cas2), firstBirthForename is the first space-separated name of ListePrenom;
   * `returnedTraits.Prenom` then stays undefined so the caller can tell.
   */
  traits: StrictTraits;
  returnedTraits: ReturnedTraits;
}

export interface ParsedInsiResponse {
  code: InsiResultCode;
  label: string;
  result?: InsiIdentity;
}

type Node = Record<string, unknown>;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  isArray: (name) => name === 'INSHISTO' || name === 'Text',
});

const invalid = (message: string, cause?: unknown) =>
  new InsiError('invalid-response', `INSi answer not understood: ${message}`, { cause });

/**
 * Parses the SOAP 1.2 envelope INSi answers. Returns the RESULTAT of a 00 / 01 / 02 answer;
 * throws `InsiError('soap-fault')` for a SOAP Fault, `InsiError('invalid-response')` for
 * anything else. Messages never quote patient traits.
 */
export function parseInsiResponse(xml: string): ParsedInsiResponse {
  const envelope = parseEnvelope(xml);
  const body = envelope.Body;
  if (!isNode(body)) throw invalid('the SOAP envelope has no Body.');
  if (body.Fault !== undefined) throw faultError(body.Fault);
  const resultat = body.RESULTAT;
  if (!isNode(resultat)) throw invalid('the SOAP Body holds no RESULTAT.');
  return parseResultat(resultat);
}

/** Parses a SOAP 1.2 envelope into a namespace-stripped tree (shared with fault detection). */
export function parseEnvelope(xml: string): Node {
  const text = xml.replace(/^\uFEFF/, '');
  // SOAP 1.2 Part 1 §5: a SOAP message MUST NOT contain a document type declaration.
  if (/<!DOCTYPE/i.test(text)) throw invalid('document type declarations are not allowed in SOAP.');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw invalid(`not well-formed XML (${valid.err.msg}, line ${valid.err.line}).`);
  let tree: Node;
  try {
    tree = parser.parse(text) as Node;
  } catch (cause) {
    throw invalid('not well-formed XML.', cause);
  }
  const envelope = tree.Envelope;
  if (!isNode(envelope)) throw invalid('the document is not a SOAP envelope.');
  if (!text.includes(SOAP12_NS)) throw invalid('not a SOAP 1.2 envelope (INSi speaks SOAP 1.2).');
  return envelope;
}

function faultError(fault: unknown): InsiError {
  if (!isNode(fault)) return invalid('empty SOAP Fault.');
  const code = isNode(fault.Code) ? fault.Code : {};
  const subcode = isNode(code.Subcode) ? textOf(code.Subcode.Value) : undefined;
  const texts = isNode(fault.Reason) && Array.isArray(fault.Reason.Text) ? fault.Reason.Text : [];
  const reason = texts.map(textOf).find((t) => t !== undefined) ?? '';
  const detail = isNode(fault.Detail) ? fault.Detail : {};
  const erreur = Array.isArray(detail.Erreur) ? detail.Erreur[0] : detail.Erreur;
  const siram: SiramFault = {
    faultCode: textOf(code.Value) ?? '',
    reason,
    ...(subcode ? { subcode } : {}),
    ...(erreur !== undefined
      ? {
          code: attr(erreur, 'code'),
          message: textOf(erreur),
          severity: attr(erreur, 'severite'),
          messageId: attr(erreur, 'messageID'),
        }
      : {}),
  };
  const what = [siram.code, siram.message].filter(Boolean).join(' ');
  return new InsiError(
    'soap-fault',
    `INSi answered with an error${what ? ` ${what}` : ''}${reason ? `: ${reason}` : ''}`,
    { siram: dropUndefined(siram) },
  );
}

function parseResultat(resultat: Node): ParsedInsiResponse {
  const cr = isNode(resultat.CR) ? resultat.CR : undefined;
  const code = textOf(cr?.CodeCR);
  const label = textOf(cr?.LibelleCR) ?? '';
  if (code === undefined) throw invalid('RESULTAT without CR/CodeCR.');
  if (!(code in RESULT_CODES)) throw invalid(`unknown CodeCR "${code}" (${label}).`);
  const crCode = code as InsiResultCode;
  if (crCode !== '00') return { code: crCode, label };
  const individu = resultat.INDIVIDU;
  if (!isNode(individu)) throw invalid('CodeCR 00 without INDIVIDU.');
  return { code: crCode, label, result: parseIndividu(individu) };
}

function parseIndividu(individu: Node): InsiIdentity {
  if (!isNode(individu.INSACTIF)) throw invalid('INDIVIDU without INSACTIF.');
  const ins = parseIns(individu.INSACTIF, 'INSACTIF');
  const history = (Array.isArray(individu.INSHISTO) ? individu.INSHISTO : []).map((h) => {
    if (!isNode(h)) throw invalid('empty INSHISTO.');
    return parseIns(h, 'INSHISTO');
  });
  if (!isNode(individu.TIQ)) throw invalid('INDIVIDU without TIQ.');
  const returnedTraits = readTiq(individu.TIQ);
  return { ins, history, traits: toStrictTraits(returnedTraits), returnedTraits };
}

function parseIns(node: Node, where: string): InsHistoryEntry {
  const id = isNode(node.IdIndividu) ? node.IdIndividu : undefined;
  const number = textOf(id?.NumIdentifiant);
  const key = textOf(id?.Cle);
  const oid = textOf(node.OID);
  // RESULTAT XSD: NumIdentifiant \d{6}[A-Za-z0-9]{1}(\d{6}), Cle [0-9]{2}.
  if (!number || !/^\d{6}[A-Za-z0-9]\d{6}$/.test(number))
    throw invalid(`${where} without a valid NumIdentifiant.`);
  if (!key || !/^\d{2}$/.test(key)) throw invalid(`${where} without a valid Cle.`);
  if (!isOneOf(INS_OID_VALUES, oid)) throw invalid(`${where} with an unknown OID "${oid ?? ''}".`);
  const validFrom = textOf(node.DateDeb);
  const validTo = textOf(node.DateFin);
  return {
    matricule: number + key,
    oid,
    ...(validFrom ? { validFrom } : {}),
    ...(validTo ? { validTo } : {}),
  };
}

function readTiq(tiq: Node): ReturnedTraits {
  const out: ReturnedTraits = {};
  for (const name of [
    'NomNaissance',
    'Prenom',
    'ListePrenom',
    'Sexe',
    'DateNaissance',
    'LieuNaissance',
  ] as const) {
    const value = textOf(tiq[name]);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function toStrictTraits(tiq: ReturnedTraits): StrictTraits {
  if (!tiq.NomNaissance) throw invalid('TIQ without NomNaissance.');
  if (tiq.Sexe !== 'M' && tiq.Sexe !== 'F' && tiq.Sexe !== 'U') throw invalid('TIQ without a valid Sexe.');
  if (!tiq.DateNaissance || !/^\d{4}-\d{2}-\d{2}$/.test(tiq.DateNaissance)) {
    throw invalid('TIQ without a valid DateNaissance.');
  }
  const list = tiq.ListePrenom ?? tiq.Prenom;
  if (!list) throw invalid('TIQ without Prenom nor ListePrenom.');
  return {
    birthFamilyName: tiq.NomNaissance,
    firstBirthForename: tiq.Prenom ?? (list.split(' ')[0] as string),
    birthForenames: list,
    birthDate: tiq.DateNaissance,
    sex: tiq.Sexe as Sex,
    birthPlaceCode: tiq.LieuNaissance ?? null,
  };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (isNode(value) && typeof value['#text'] === 'string') return value['#text'] || undefined;
  return undefined;
}

function attr(value: unknown, name: string): string | undefined {
  if (!isNode(value)) return undefined;
  const v = value[`@_${name}`];
  return typeof v === 'string' ? v : undefined;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
