/**
 * The MSSanté mail that carries a report (national-services.md §2.2–2.4): UTF-8, the CDA in an
 * IHE_XDM.zip attachment plus the plain PDF, the X-MSS-* headers of the socle MSSanté
 * (SC.MSS/CONF.14–16, 21), an MDN request on every mail (UX.33), the `XDM/1.0/DDM+` subject
 * convention (UX.28). A corrective mail for a new version refers to the message it corrects.
 */
import { formatParisDate, parisDate } from '@rayon/domain';
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { qualifiedIns, type MssanteDescription, type MssanteReferrer } from './description.ts';
import { buildXdmMetadata, buildXdmZip, CR_IMAGERIE_CODES, type XdmSoftware } from './xdm.ts';

export type MssanteRecipientKind = 'professional' | 'patient';

export interface MssanteMessageInput {
  description: MssanteDescription;
  /** The stored CDA R2 N1 (XML bytes) and PDF/A of the report version. */
  cda: Uint8Array;
  pdf: Uint8Array;
  /** The tenant's applicative mailbox (BAL applicative), the `From:` (ig-mapping-mss.md: FROM). */
  from: string;
  /** Recipient address: the referrer's MSSanté address, or `patientMailbox(ins)`. */
  to: string;
  kind: MssanteRecipientKind;
  /** X-MSS-NIL: the product reference number given at Ségur referencing (SC.MSS/CONF.16). */
  nil: string;
  /** For a new version: Message-ID of the mail that carried the previous version to this recipient. */
  correctionOf?: string;
  /** Patient mails: the professional does not want the patient to reply (X-MSS-MES: FIN). */
  noReply?: boolean;
  /** Free text from the practice, put at the top of the body (HL7 CORPSMAIL_PS / CORPSMAIL_PATIENT). */
  bodyText?: string;
  /** Where MDNs go (Disposition-Notification-To); default `from`. */
  notificationsTo?: string;
  /** Date header; default now. */
  date?: Date;
  /** Message-ID (`<…@domain>`); default derived from the document version, recipient and kind. */
  messageId?: string;
  /**
   * The professional the mail is for, written in the XDM intendedRecipient; for a mail to the
   * referrer, by default the description's referrer (by RPPS, ADELI or name only).
   */
  recipientProfessional?: MssanteReferrer;
  software?: XdmSoftware;
  /** OID of the sending system (XDM sourceId). */
  sourceId?: string;
}

export interface MssanteMessage {
  /** RFC 5322 bytes, ready for SMTP DATA. */
  raw: Buffer;
  messageId: string;
  envelope: { from: string; to: string[] };
  subject: string;
  /** The X-MSS-* and receipt headers set on the mail. */
  headers: Record<string, string>;
  /** The XDM archive attached (IHE_XDM.zip). */
  xdm: Uint8Array;
  pdfFilename: string;
}

export const XDM_SUBJECT_PREFIX = 'XDM/1.0/DDM+';
export const XDM_ATTACHMENT_NAME = 'IHE_XDM.zip';

const frenchDate = (isoDate: string) => {
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
};

/** ASCII letters, digits and `_` only: safe in a file name everywhere. */
const fileSafe = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/**
 * Subject per SC.MSS/UX.28 and the IG-MSS-IN examples: `XDM/1.0/DDM+<libellé> <NOM> <prénom>
 * <date de naissance>`. The reference gives no form for a corrective mail: "Annule et remplace"
 * goes after the prefix so that readers that hide the prefix still show it.
 */
export function mssanteSubject(description: MssanteDescription, correction: boolean): string {
  const p = description.patient;
  const title = correction
    ? `Annule et remplace - ${description.document.title}`
    : description.document.title;
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
  return oneLine(
    `${XDM_SUBJECT_PREFIX}${title} ${p.birthFamilyName.toUpperCase()} ${p.firstBirthForename} ${frenchDate(p.birthDate)}`,
  );
}

/** PDF file name as in the IG-MSS-IN example: `20220531_CR_d_imagerie_medicale_CORSE_FIGATELLIX.pdf`. */
export function mssantePdfFilename(description: MssanteDescription): string {
  const date = parisDate(new Date(description.document.effectiveTime)).replace(/-/g, '');
  const p = description.patient;
  return `${date}_CR_d_imagerie_medicale_${fileSafe(p.birthFamilyName.toUpperCase())}_${fileSafe(p.firstBirthForename.toUpperCase())}.pdf`;
}

/**
 * Body: French, no patient data (the patient is named in the subject and the documents only).
 */
export function mssanteBody(input: {
  description: MssanteDescription;
  kind: MssanteRecipientKind;
  correction: boolean;
  bodyText?: string | undefined;
  noReply?: boolean | undefined;
}): string {
  const d = input.description;
  const exams = d.exams.map((e) => `- ${e.label} (${formatParisDate(new Date(e.startedAt))})`);
  const r = d.radiologist;
  const radiologist = [r.suffix === 'PR' ? 'Pr' : 'Dr', r.givenName, r.familyName].filter(Boolean).join(' ');
  const lines: string[] = [];
  if (input.bodyText?.trim()) lines.push(input.bodyText.trim(), '');
  if (input.kind === 'patient') {
    lines.push(
      'Madame, Monsieur,',
      '',
      input.correction
        ? `Voici la version corrigée de votre compte rendu d'imagerie médicale, établi par ${d.organisation.name}. Elle annule et remplace la version envoyée précédemment.`
        : `Votre compte rendu d'imagerie médicale, établi par ${d.organisation.name}, est joint à ce message.`,
      '',
      'Examen(s) :',
      ...exams,
      '',
      `Compte rendu validé par ${radiologist}.`,
      '',
      input.noReply
        ? "Ce message est envoyé automatiquement ; il n'est pas possible d'y répondre. Pour toute question, contactez le cabinet."
        : 'Ce message est envoyé automatiquement par le cabinet.',
    );
  } else {
    lines.push(
      'Bonjour,',
      '',
      input.correction
        ? "Veuillez trouver ci-joint la version corrigée du compte rendu d'imagerie médicale. Elle annule et remplace la version envoyée précédemment."
        : "Veuillez trouver ci-joint le compte rendu d'imagerie médicale.",
      '',
      'Examen(s) :',
      ...exams,
      '',
      `Compte rendu validé par ${radiologist}, ${d.organisation.name}.`,
      '',
      "Pièces jointes : l'archive IHE_XDM.zip (document CDA R2, à intégrer dans votre logiciel) et le compte rendu en PDF.",
      '',
      'Ce message est envoyé automatiquement par la boîte aux lettres applicative du cabinet.',
    );
  }
  if (d.organisation.phone) lines.push(`${d.organisation.name} - ${d.organisation.phone}`);
  return lines.join('\n') + '\n';
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** Message-ID derived from what the mail carries, so a resent attempt keeps its id. */
export function mssanteMessageId(input: {
  description: MssanteDescription;
  to: string;
  kind: MssanteRecipientKind;
  from: string;
}): string {
  const hash = createHash('sha256')
    .update(
      `${input.description.document.id}|${input.description.document.version}|${input.kind}|${input.to.toLowerCase()}`,
    )
    .digest('hex')
    .slice(0, 32);
  return `<${hash}.rayon@${domainOf(input.from)}>`;
}

const ADDRESS =
  /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export async function buildMssanteMessage(input: MssanteMessageInput): Promise<MssanteMessage> {
  for (const [field, value] of [
    ['from', input.from],
    ['to', input.to],
  ] as const) {
    if (!ADDRESS.test(value)) throw new Error(`buildMssanteMessage: ${field} is not a mail address`);
  }
  if (!/^[\x21-\x7e]+$/.test(input.nil)) throw new Error('buildMssanteMessage: nil (X-MSS-NIL) is required');
  const d = input.description;
  const ins = qualifiedIns(d);
  if (input.kind === 'patient' && !ins) {
    throw new Error('buildMssanteMessage: a patient mail needs a qualified INS');
  }
  if (input.correctionOf !== undefined && !/^<[^<>\s]+>$/.test(input.correctionOf)) {
    throw new Error('buildMssanteMessage: correctionOf is a Message-ID (<…>)');
  }
  const correction = input.correctionOf !== undefined;
  const professional =
    input.recipientProfessional ?? (input.kind === 'professional' ? d.referrer : undefined);
  const xdmOptions = {
    description: d,
    cda: input.cda,
    recipient: {
      address: input.to,
      ...(professional ? { professional } : {}),
    },
    ...(input.software ? { software: input.software } : {}),
    ...(input.sourceId ? { sourceId: input.sourceId } : {}),
  };
  // Fails early (no patient identifier) before anything is composed.
  buildXdmMetadata(xdmOptions);
  const xdm = buildXdmZip(xdmOptions);
  const messageId = input.messageId ?? mssanteMessageId(input);
  const subject = mssanteSubject(d, correction);
  const pdfFilename = mssantePdfFilename(d);

  const headers: Record<string, string> = {
    'X-MSS-NIL': input.nil,
    'X-MSS-CODECDA': CR_IMAGERIE_CODES.typeCode.code,
    'X-MSS-INS': ins ? 'O' : 'N',
    'Disposition-Notification-To': input.notificationsTo ?? input.from,
  };
  if (input.kind === 'patient' && input.noReply) headers['X-MSS-MES'] = 'FIN';
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject,
    messageId,
    date: input.date ?? new Date(),
    ...(correction ? { inReplyTo: input.correctionOf, references: [input.correctionOf!] } : {}),
    headers,
    text: mssanteBody({
      description: d,
      kind: input.kind,
      correction,
      bodyText: input.bodyText,
      noReply: input.noReply,
    }),
    textEncoding: 'quoted-printable',
    attachments: [
      {
        filename: XDM_ATTACHMENT_NAME,
        content: Buffer.from(xdm),
        contentType: 'application/zip',
        contentTransferEncoding: 'base64',
      },
      {
        filename: pdfFilename,
        content: Buffer.from(input.pdf),
        contentType: 'application/pdf',
        contentTransferEncoding: 'base64',
      },
    ],
  });
  const raw = withExactHeaderNames(await composer.compile().build(), Object.keys(headers));
  return {
    raw,
    messageId,
    envelope: { from: input.from, to: [input.to] },
    subject,
    headers,
    xdm,
    pdfFilename,
  };
}

/**
 * nodemailer writes header names in its own case (`X-Mss-Nil`). Header names are case-insensitive
 * (RFC 5322 §1.2.2), but the socle spells them `X-MSS-NIL`, … : they are written that way, in the
 * message's own header block only.
 */
function withExactHeaderNames(raw: Buffer, names: string[]): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  let head = raw.subarray(0, end).toString('latin1');
  for (const name of names) {
    // The names are letters and hyphens: nothing to escape in the pattern.
    head = head.replace(new RegExp(`^${name}:`, 'gim'), `${name}:`);
  }
  return Buffer.concat([Buffer.from(head, 'latin1'), raw.subarray(end)]);
}
