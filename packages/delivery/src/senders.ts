/**
 * The senders of the destinations this deployment reaches. Each turns one planned send into the
 * protocol of its destination with the connectors of @rayon/connectors; failures come back as
 * DeliveryErrors (retryable or not, with a French reason) that the pipeline records. The
 * practice's own organisation certificate is opened for the call only, and each use is audited.
 */
import { readFileSync } from 'node:fs';
import type { OrganisationCertificate } from '@rayon/connectors/certificates';
import type { DmpSoftware } from '@rayon/connectors/dmp';
import {
  buildMssanteMessage,
  patientMailbox,
  readMssanteNotifications,
  sendMssante,
} from '@rayon/connectors/mssante';
import type { OutboundPolicy } from '@rayon/connectors/outbound';
import { DeliveryError, sendToPfi } from '@rayon/connectors/pfi';
import {
  findActiveCertificate,
  recordAudit,
  type Database,
  type DeliveryRow,
  type TenantTx,
} from '@rayon/db';
import { formatParisDate, isAppError, type CertificatePurpose, type Destination } from '@rayon/domain';
import { buildCdaMessage, type CdaMessageAction } from '@rayon/hl7';
import { usableCertificate } from '@rayon/onboarding';
import type { DeliveryContext, DeliveryResult, DeliverySender } from './deliveries.ts';
import { dmpPatientState, dmpSend } from './dmp.ts';
import type { MailboxReader } from './receipts.ts';

const PFI_ACTIONS: Record<string, CdaMessageAction> = {
  publish: 'initial',
  replace: 'replacement',
  withdraw: 'deletion',
};

/**
 * The hospital's intermediation platform (PFI): the CDA in an MDM (T02, T10 for a replacement,
 * T04 for a withdrawal) or an ORU^R01, as the practice's PFI takes it, over MLLP. Rayon publishes
 * to the DMP and sends the MSSanté mails itself, so the PFI is not asked to (DESTDMP /
 * DESTMSSANTE* = N): it files the document. The message control id is the send's own, the same
 * on every attempt, so the PFI can recognise a resend. The PFI's address is the practice's: it is
 * resolved and checked against `outbound` (RAYON_OUTBOUND_ALLOW) at each connection.
 */
export function pfiSender(o: {
  outbound: OutboundPolicy;
  timeoutMs?: number;
  now?: () => Date;
}): DeliverySender {
  return async (ctx) => {
    const pfi = ctx.settings.pfi;
    if (!pfi) {
      throw new DeliveryError({ retryable: false, reason: "La PFI n'est pas configurée pour ce cabinet" });
    }
    const message = buildCdaMessage({
      profile: pfi.profile ?? 'MDM',
      action: PFI_ACTIONS[ctx.delivery.action] ?? 'initial',
      controlId: ctx.delivery.id.replaceAll('-', '').slice(0, 20),
      now: o.now?.() ?? new Date(),
      sendingApplication: 'RAYON',
      sendingFacility: ctx.description.organisation.idNat,
      receivingApplication: pfi.receivingApplication,
      receivingFacility: pfi.receivingFacility,
      description: ctx.description,
      cda: ctx.cda,
      // Who may see it: the version's choices at validation, and the announcement pending.
      flags: {
        masquePs: ctx.version.maskedFromProfessionals,
        invisiblePatient: ctx.hiddenFromPatient,
        invisibleRepresentantsLegaux: ctx.version.hiddenFromLegalRepresentatives,
        connexionSecrete: ctx.version.secretConnection,
        modifConfCode: false,
        destDmp: false,
        destMssantePs: false,
        destMssantePatient: false,
      },
    });
    const ack = await sendToPfi({
      host: pfi.host,
      port: pfi.port,
      outbound: o.outbound,
      message: message.payload,
      timeoutMs: o.timeoutMs ?? 30_000,
    });
    return { remoteId: message.controlId, detail: `${message.messageType} ${ack.ackCode}` };
  };
}

/** The audit of a certificate's use (written with the outcome of the send, or the reading). */
const certificateUsed =
  (purpose: CertificatePurpose, use: Record<string, string>, cert: OrganisationCertificate) =>
  (tx: TenantTx) =>
    recordAudit(tx, {
      actor: { type: 'system', id: 'delivery' },
      action: 'certificate.used',
      target: purpose,
      details: { ...use, fingerprint: cert.fingerprintSha256 },
    });

/** Something read for a send in its claim's transaction, or why it could not be (thrown when used). */
type Loaded<T> = { ok: T } | { error: unknown };
const settle = <T>(read: Promise<T>): Promise<Loaded<T>> =>
  read.then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );

/**
 * A sender whose reads (`load`) are made in the claim's transaction (see DeliverySender); called
 * another way (no `ctx.loaded`), it reads them in a short transaction of its own.
 */
function loadingSender<T>(
  load: (tx: TenantTx, delivery: DeliveryRow) => Promise<T>,
  send: (ctx: DeliveryContext, loaded: T) => Promise<DeliveryResult>,
): DeliverySender {
  const sender = async (ctx: DeliveryContext) =>
    send(ctx, 'loaded' in ctx ? (ctx.loaded as T) : await ctx.read((tx) => load(tx, ctx.delivery)));
  return Object.assign(sender, { load });
}

/**
 * The practice's certificate for a send, opened for this call (read with the claim); its use is
 * audited in the send's record transaction.
 */
function certificateForSend(
  ctx: DeliveryContext,
  purpose: CertificatePurpose,
  loaded: Loaded<OrganisationCertificate>,
): OrganisationCertificate {
  if ('error' in loaded) throw loaded.error;
  ctx.onRecord(certificateUsed(purpose, { delivery: ctx.delivery.id }, loaded.ok));
  return loaded.ok;
}

/** The practice's certificate for a purpose, opened for this call, its use audited (in `tx`). */
async function certificateFor(
  tx: TenantTx,
  purpose: CertificatePurpose,
  secretsKey: Buffer,
  /** What it is used for (the audit's details): reading the mailbox. */
  use: Record<string, string>,
): Promise<OrganisationCertificate> {
  const cert = await openCertificate(tx, purpose, secretsKey);
  await certificateUsed(purpose, use, cert)(tx);
  return cert;
}

/** The practice's usable certificate, or a DeliveryError saying why not (in French, never its content). */
async function openCertificate(
  tx: TenantTx,
  purpose: CertificatePurpose,
  secretsKey: Buffer,
): Promise<OrganisationCertificate> {
  try {
    return await usableCertificate(tx, purpose, secretsKey);
  } catch (e) {
    if (isAppError(e) && e.code === 'CONFLICT') {
      const row = await findActiveCertificate(tx, purpose);
      throw new DeliveryError({
        retryable: false,
        reason: certificateReason(purpose, row?.notAfter, new Date()),
      });
    }
    throw e;
  }
}

/** Why the practice's certificate cannot be used, in French for the portal (never its content). */
function certificateReason(purpose: CertificatePurpose, notAfter: Date | undefined, now: Date): string {
  const name = purpose === 'dmp' ? 'DMP' : 'MSSanté';
  if (!notAfter)
    return `Aucun certificat ${name} n'est déposé pour le cabinet : déposez le certificat de l'organisation.`;
  if (notAfter < now) {
    return `Le certificat ${name} du cabinet a expiré le ${formatParisDate(notAfter)} : déposez le certificat renouvelé, puis relancez l'envoi.`;
  }
  return `Le certificat ${name} du cabinet est inutilisable (pas encore valide, clé illisible ou usage incorrect) : déposez-le à nouveau.`;
}

export interface DmpDeployment {
  /** Base URL of the DMP services. */
  endpoint: string;
  /** CAs of the DMP server's certificate (PEM). */
  ca?: string[] | undefined;
  software: DmpSoftware;
  timeoutMs?: number;
}

/**
 * The DMP: ITI-41 (RPLC for a new version) after TD0.2 for a patient's first send, ITI-57 for a
 * visibility update or a withdrawal, with a fresh VIHF each time.
 */
export function dmpSender(secretsKey: Buffer, dmp: DmpDeployment): DeliverySender {
  // TD0.2 first for a patient, the version's visibility, ITI-57 updates and withdrawals: dmp.ts.
  return loadingSender(
    async (tx, delivery) => ({
      certificate: await settleCertificate('dmp', secretsKey)(tx),
      patient: await dmpPatientState(tx, delivery),
    }),
    (ctx, loaded) => dmpSend(ctx, certificateForSend(ctx, 'dmp', loaded.certificate), dmp, loaded.patient),
  );
}

export interface MssanteDeployment {
  host: string;
  port: number;
  security: 'starttls' | 'tls';
  ca: string[];
  /** X-MSS-NIL: the product's Ségur reference number. */
  nil: string;
  timeoutMs?: number;
  /** The operator's IMAP port (same host, same TLS): where DSN/MDN come back; unset: not read. */
  imapPort?: number | undefined;
}

/** MSSanté: the referrer's mailbox, or the patient's Mon espace santé mailbox (qualified INS only). */
export function mssanteSender(
  secretsKey: Buffer,
  mss: MssanteDeployment,
  kind: 'professional' | 'patient',
): DeliverySender {
  return loadingSender(settleCertificate('mssante', secretsKey), async (ctx, loaded) => {
    const from = ctx.settings.mssante.mailbox;
    if (!from) {
      throw new DeliveryError({
        retryable: false,
        reason: "La boîte aux lettres applicative MSSanté du cabinet n'est pas renseignée",
      });
    }
    const ins = ctx.description.patient.ins;
    const to = kind === 'patient' ? (ins ? patientMailbox(ins.matricule) : null) : ctx.referrerMailbox;
    if (!to) {
      throw new DeliveryError({ retryable: false, reason: 'Destinataire MSSanté inconnu' });
    }
    const certificate = certificateForSend(ctx, 'mssante', loaded);
    const message = await buildMssanteMessage({
      description: ctx.description,
      cda: ctx.cda,
      pdf: ctx.pdf,
      from,
      to,
      kind,
      nil: mss.nil,
      ...(ctx.previousRemoteId ? { correctionOf: ctx.previousRemoteId } : {}),
    });
    const result = await sendMssante({
      host: mss.host,
      port: mss.port,
      security: mss.security,
      ca: mss.ca,
      certificate,
      message,
      ...(mss.timeoutMs ? { timeoutMs: mss.timeoutMs } : {}),
    });
    return { remoteId: result.messageId, detail: 'SMTP accepted' };
  });
}

/** The practice's certificate for a purpose, or why not, read with a send's claim. */
const settleCertificate = (purpose: CertificatePurpose, secretsKey: Buffer) => (tx: TenantTx) =>
  settle(openCertificate(tx, purpose, secretsKey));

export interface DeploymentDestinations {
  dmp?: DmpDeployment | undefined;
  mssante?: MssanteDeployment | undefined;
  /** Where practices' own destinations may be (RAYON_OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
}

/** The senders this deployment has: the PFI always (its address is the practice's), the DMP and MSSanté when configured. */
export function deploymentSenders(
  secretsKey: Buffer,
  d: DeploymentDestinations,
): Partial<Record<Destination, DeliverySender>> {
  return {
    pfi: pfiSender({ outbound: d.outbound }),
    ...(d.dmp ? { dmp: dmpSender(secretsKey, d.dmp) } : {}),
    ...(d.mssante
      ? {
          mssante_referrer: mssanteSender(secretsKey, d.mssante, 'professional'),
          mssante_patient: mssanteSender(secretsKey, d.mssante, 'patient'),
        }
      : {}),
  };
}

/**
 * The reader of a practice's applicative mailbox (IMAP, the same certificate as for sending), for
 * the DSN/MDN of its mails; undefined when the deployment has no MSSanté or no IMAP port.
 */
export function deploymentMailbox(
  db: Database,
  secretsKey: Buffer,
  mss: MssanteDeployment | undefined,
): MailboxReader | undefined {
  if (!mss?.imapPort) return undefined;
  const port = mss.imapPort;
  return async (tenant, mailbox, since, handle) => {
    const certificate = await db.withTenant(tenant, (tx) =>
      certificateFor(tx, 'mssante', secretsKey, { mailbox: 'read' }),
    );
    return readMssanteNotifications(
      {
        host: mss.host,
        port,
        security: mss.security,
        ca: mss.ca,
        certificate,
        mailbox,
        since,
        ...(mss.timeoutMs ? { timeoutMs: mss.timeoutMs } : {}),
      },
      handle,
    );
  };
}

/** PEM certificates of a file (for the CAs of the national services' servers). */
export const readPemFile = (path: string | undefined): string[] | undefined =>
  path
    ? (readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ??
      [])
    : undefined;
