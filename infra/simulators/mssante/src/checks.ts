/**
 * What the simulator requires of a mail before accepting it (national-services.md §2.2–2.4,
 * strictly): the X-MSS-* headers, UTF-8, an MDN request, the IHE_XDM.zip layout with
 * METADATA.XML and the files its URI slots name, the CDA code announced in X-MSS-CODECDA, the
 * INS announced by X-MSS-INS, and patient mailboxes only for that qualified INS.
 */
import { unzipSync } from 'fflate';
import type { ParsedMail } from 'mailparser';

export const PATIENT_DOMAIN = 'patient.mssante.fr';
/** INS OIDs (INS-NIR, INS-NIA, INS-NIR de test, de démonstration). */
export const INS_OIDS = [
  '1.2.250.1.213.1.4.8',
  '1.2.250.1.213.1.4.9',
  '1.2.250.1.213.1.4.10',
  '1.2.250.1.213.1.4.11',
];

/**
 * A patient mailbox's local part is a matricule INS: NIR or NIA structure (national-services.md
 * §2.4; INSEE: kind 1-4/7/8, month 01-12/20-42/50-99, département 01-99/2A/2B) and its key,
 * 97 − (body mod 97) with 2A read as 19 and 2B as 18. The simulator's own check, not Rayon's
 * (@rayon/domain), so that a mistake there is not repeated here.
 */
const MATRICULE_SHAPE = /^[1-478]\d\d(0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d)(0[1-9]|[1-9]\d|2A|2B)\d{8}$/;
export function isInsMatricule(value: string): boolean {
  const matricule = value.toUpperCase();
  if (!MATRICULE_SHAPE.test(matricule)) return false;
  const body = BigInt(matricule.slice(0, 13).replace('2A', '19').replace('2B', '18'));
  return 97n - (body % 97n) === BigInt(matricule.slice(13));
}

export class MailRejection extends Error {
  readonly responseCode: number;
  constructor(responseCode: number, message: string) {
    super(message);
    this.name = 'MailRejection';
    this.responseCode = responseCode;
  }
}

export interface XdmContent {
  /** Every path in the archive. */
  files: string[];
  /** Subset folder, e.g. `IHE_XDM/SUBSET01/`. */
  subset: string;
  metadataXml: string;
  /** Documents named by the metadata's URI slots, by file name. */
  documents: Record<string, Buffer>;
  /** XDS patientId of the submission set. */
  patientId: string;
}

const reject = (message: string, code = 554): never => {
  throw new MailRejection(code, message);
};

const header = (mail: ParsedMail, name: string): string | undefined => {
  const value = mail.headers.get(name);
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : String((value as { text?: string }).text ?? value);
};

const attrs = (tag: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) out[m[1]!] = decodeXml(m[2]!);
  return out;
};

const decodeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Values of a Slot (by name) anywhere in the metadata. */
function slotValues(xml: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<(?:\\w+:)?Slot\\b[^>]*\\bname="${name}"[^>]*>([\\s\\S]*?)</(?:\\w+:)?Slot>`, 'g');
  for (const m of xml.matchAll(re)) {
    for (const v of m[1]!.matchAll(/<(?:\w+:)?Value>([\s\S]*?)<\/(?:\w+:)?Value>/g))
      out.push(decodeXml(v[1]!.trim()));
  }
  return out;
}

/** Checks the IHE_XDM.zip archive (ITI-32 layout, §2.3). */
export function checkXdm(zip: Buffer): XdmContent {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(zip));
  } catch {
    return reject("5.6.0 La pièce jointe IHE_XDM.zip n'est pas une archive ZIP lisible.");
  }
  const files = Object.keys(entries);
  for (const required of ['INDEX.HTM', 'README.TXT']) {
    if (!files.includes(required))
      reject(`5.6.0 Archive IHE_XDM.zip non conforme : ${required} manquant à la racine.`);
  }
  const metadataPath = files.find((f) => /^IHE_XDM\/[^/]+\/METADATA\.XML$/.test(f));
  if (!metadataPath)
    reject('5.6.0 Archive IHE_XDM.zip non conforme : IHE_XDM/<sous-dossier>/METADATA.XML manquant.');
  const subset = metadataPath!.slice(0, metadataPath!.length - 'METADATA.XML'.length);
  const metadataXml = Buffer.from(entries[metadataPath!]!).toString('utf8');
  if (
    !/<(?:\w+:)?SubmitObjectsRequest\b[^>]*urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3\.0/.test(metadataXml)
  ) {
    reject('5.6.0 METADATA.XML non conforme : un SubmitObjectsRequest ebRIM 3.0 (lcm) est attendu.');
  }
  if (!/<(?:\w+:)?RegistryPackage\b/.test(metadataXml))
    reject('5.6.0 METADATA.XML sans lot de soumission (RegistryPackage).');
  const extrinsic = [...metadataXml.matchAll(/<(?:\w+:)?ExtrinsicObject\b[^>]*>/g)];
  if (extrinsic.length === 0) reject('5.6.0 METADATA.XML sans fiche de document (ExtrinsicObject).');
  const uris = slotValues(metadataXml, 'URI');
  if (uris.length < extrinsic.length)
    reject('5.6.0 METADATA.XML : chaque document doit nommer son fichier (slot URI).');
  const documents: Record<string, Buffer> = {};
  for (const uri of uris) {
    const content = entries[`${subset}${uri}`];
    if (!content)
      reject(
        `5.6.0 Archive IHE_XDM.zip non conforme : le fichier ${uri} annoncé par METADATA.XML est absent.`,
      );
    documents[uri] = Buffer.from(content!);
  }
  const patientIdTag = [...metadataXml.matchAll(/<(?:\w+:)?ExternalIdentifier\b[^>]*>/g)]
    .map((m) => attrs(m[0]))
    .find((a) => a.identificationScheme === 'urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446');
  if (!patientIdTag?.value) reject('5.6.0 METADATA.XML sans identifiant patient du lot de soumission.');
  return { files, subset, metadataXml, documents, patientId: patientIdTag!.value! };
}

export interface CheckedMail {
  xdm: XdmContent;
  pdf: Buffer | undefined;
  /** The X-MSS-* and receipt headers, as received. */
  headers: Record<string, string>;
}

/** The INS the XDM announces, when its patientId is an INS (`^NH` with an INS OID). */
export function insOf(patientId: string): string | null {
  const m = /^([^^]+)\^\^\^&([\d.]+)&ISO\^NH$/.exec(patientId);
  return m && INS_OIDS.includes(m[2]!) ? m[1]! : null;
}

/** Checks a parsed mail against the socle MSSanté rules. Throws MailRejection. */
export function checkMail(input: {
  mail: ParsedMail;
  raw: Buffer;
  mailFrom: string;
  rcptTo: string[];
}): CheckedMail {
  const { mail } = input;
  const from = mail.from?.value[0]?.address?.toLowerCase();
  if (!from || from !== input.mailFrom.toLowerCase()) {
    reject("5.7.1 L'en-tête From doit être l'adresse de la boîte aux lettres applicative.", 550);
  }
  if (!mail.messageId) reject('5.6.0 Message-ID manquant.');
  const nil = header(mail, 'x-mss-nil');
  if (!nil?.trim())
    reject('5.6.0 En-tête X-MSS-NIL manquant (obligatoire sur tous les messages, SC.MSS/CONF.16).');
  if (!mail.headers.has('disposition-notification-to')) {
    reject(
      '5.6.0 Accusé de lecture non demandé : en-tête Disposition-Notification-To manquant (SC.MSS/UX.33).',
    );
  }
  for (const m of input.raw.toString('latin1').matchAll(/charset\s*=\s*"?([^";\s]+)/gi)) {
    if (!/^(utf-8|us-ascii)$/i.test(m[1]!))
      reject(`5.6.0 Jeu de caractères ${m[1]} refusé : UTF-8 attendu (SC.MSS/CONF.19).`);
  }
  const zip = mail.attachments.find((a) => a.filename === 'IHE_XDM.zip');
  if (!zip)
    reject(
      '5.6.0 Pièce jointe IHE_XDM.zip manquante : le document CDA doit être transmis dans une archive IHE XDM.',
    );
  if (zip!.contentType !== 'application/zip') reject('5.6.0 IHE_XDM.zip doit être de type application/zip.');
  const xdm = checkXdm(zip!.content);

  const cdaDocs = Object.values(xdm.documents).filter((d) =>
    d.toString('utf8', 0, 4000).includes('<ClinicalDocument'),
  );
  const codes = (header(mail, 'x-mss-codecda') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const insHeader = header(mail, 'x-mss-ins');
  if (cdaDocs.length > 0) {
    if (codes.length === 0)
      reject(
        '5.6.0 En-tête X-MSS-CODECDA manquant alors que l’archive contient un document CDA (SC.MSS/CONF.15).',
      );
    for (const cda of cdaDocs) {
      const code = /<ClinicalDocument\b[\s\S]*?<code\b[^>]*\bcode="([^"]+)"/.exec(cda.toString('utf8'))?.[1];
      if (!code || !codes.includes(code)) {
        reject(
          `5.6.0 X-MSS-CODECDA (${codes.join(',')}) ne contient pas le code du document CDA (${code ?? 'absent'}).`,
        );
      }
    }
    if (insHeader !== 'O' && insHeader !== 'N')
      reject('5.6.0 En-tête X-MSS-INS manquant ou invalide : O ou N attendu (SC.MSS/CONF.14).');
  } else {
    if (codes.length > 0) reject('5.6.0 X-MSS-CODECDA présent sans document CDA.');
    if (insHeader !== undefined) reject('5.6.0 X-MSS-INS présent sans document CDA.');
  }
  const ins = insOf(xdm.patientId);
  if (insHeader === 'O') {
    if (!ins) reject("5.6.0 X-MSS-INS vaut O mais l'archive n'identifie pas le patient par son INS.");
    for (const cda of cdaDocs) {
      if (!cda.toString('utf8').includes(`extension="${ins}"`)) {
        reject("5.6.0 X-MSS-INS vaut O mais le document CDA ne porte pas l'INS annoncé.");
      }
    }
  }
  if (insHeader === 'N' && ins)
    reject("5.6.0 X-MSS-INS vaut N mais l'archive identifie le patient par un INS.");

  const mes = header(mail, 'x-mss-mes');
  const toPatient = input.rcptTo.filter((r) => r.toLowerCase().endsWith(`@${PATIENT_DOMAIN}`));
  if (mes !== undefined) {
    if (mes !== 'FIN') reject('5.6.0 X-MSS-MES ne peut valoir que FIN (SC.MSS/CONF.21).');
    if (toPatient.length === 0) reject('5.6.0 X-MSS-MES ne concerne que les messages adressés à un patient.');
  }
  for (const rcpt of toPatient) {
    const matricule = rcpt.slice(0, rcpt.indexOf('@')).toUpperCase();
    if (insHeader !== 'O' || ins !== matricule) {
      reject(
        "5.6.0 Un message à la messagerie d'un patient doit porter son INS qualifié (X-MSS-INS: O et même INS dans l'archive).",
      );
    }
  }
  const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf')?.content;
  const headers: Record<string, string> = {};
  for (const name of [
    'x-mss-nil',
    'x-mss-codecda',
    'x-mss-ins',
    'x-mss-mes',
    'disposition-notification-to',
    'in-reply-to',
    'references',
  ]) {
    const v = header(mail, name);
    if (v !== undefined) headers[name] = v;
  }
  const dnt = mail.headers.get('disposition-notification-to') as
    { value?: { address?: string }[] } | undefined;
  if (dnt?.value?.[0]?.address) headers['disposition-notification-to'] = dnt.value[0].address;
  return { xdm, pdf, headers };
}

/** RCPT TO rules: MSSanté trust space only; patient mailboxes are valid INS matricules. */
export function checkRecipient(address: string): void {
  const lower = address.toLowerCase();
  const at = lower.lastIndexOf('@');
  const domain = lower.slice(at + 1);
  if (at <= 0 || !(domain === 'mssante.fr' || domain.endsWith('.mssante.fr'))) {
    reject("5.7.1 Destinataire hors de l'espace de confiance MSSanté.", 550);
  }
  if (domain === PATIENT_DOMAIN) {
    const local = address.slice(0, at);
    if (!/^[0-9A-Ba-b]{15}$/.test(local) || !isInsMatricule(local)) {
      reject(
        '5.1.1 Adresse de messagerie patient invalide : <matricule INS (15 caractères)>@patient.mssante.fr attendu.',
        550,
      );
    }
  }
}
