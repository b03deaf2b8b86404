/**
 * The senders of the destinations this deployment reaches. Each turns one planned send into the
 * protocol of its destination with the connectors of @rayon/connectors; failures come back as
 * DeliveryErrors (retryable or not, with a French reason) that the pipeline records.
 */
import { DeliveryError, sendToPfi } from '@rayon/connectors/pfi';
import type { Destination } from '@rayon/domain';
import { buildCdaMessage, type CdaMessageAction } from '@rayon/hl7';
import type { DeliverySender } from '@rayon/reporting';

const PFI_ACTIONS: Record<string, CdaMessageAction> = {
  publish: 'initial',
  replace: 'replacement',
  withdraw: 'deletion',
};

/**
 * The hospital's intermediation platform (PFI): the CDA in an MDM (T02, T10 for a replacement,
 * T04 for a withdrawal) over MLLP. Rayon publishes to the DMP and sends the MSSanté mails itself,
 * so the PFI is not asked to (DESTDMP / DESTMSSANTE* = N): it files the document. The message
 * control id is the send's own, the same on every attempt, so the PFI can recognise a resend.
 */
export function pfiSender(o: { timeoutMs?: number; now?: () => Date } = {}): DeliverySender {
  return async (ctx) => {
    const pfi = ctx.settings.pfi;
    if (!pfi) {
      throw new DeliveryError({ retryable: false, reason: "La PFI n'est pas configurée pour ce cabinet" });
    }
    const message = buildCdaMessage({
      profile: 'MDM',
      action: PFI_ACTIONS[ctx.delivery.action] ?? 'initial',
      controlId: ctx.delivery.id.replaceAll('-', '').slice(0, 20),
      now: o.now?.() ?? new Date(),
      sendingApplication: 'RAYON',
      sendingFacility: ctx.description.organisation.idNat,
      receivingApplication: pfi.receivingApplication,
      receivingFacility: pfi.receivingFacility,
      description: ctx.description,
      cda: ctx.cda,
      flags: {
        masquePs: false,
        invisiblePatient: ctx.hiddenFromPatient,
        invisibleRepresentantsLegaux: false,
        connexionSecrete: false,
        modifConfCode: false,
        destDmp: false,
        destMssantePs: false,
        destMssantePatient: false,
      },
    });
    const ack = await sendToPfi({
      host: pfi.host,
      port: pfi.port,
      message: message.payload,
      timeoutMs: o.timeoutMs ?? 30_000,
    });
    return { remoteId: message.controlId, detail: `${message.messageType} ${ack.ackCode}` };
  };
}

/** The senders this deployment has. DMP and MSSanté join when their connectors are wired. */
export function deploymentSenders(): Partial<Record<Destination, DeliverySender>> {
  return { pfi: pfiSender() };
}
