import { PFI_PROFILES } from '@rayon/domain';
import { z } from 'zod';

/**
 * Input schemas of the delivery area (where validated reports go), shared by the API and the
 * portal's forms. Messages are French: a person at the desk reads them next to the field.
 */

/**
 * A host name (RFC 1123 labels), an IPv4 address, or an IPv6 one (optionally in brackets, possibly
 * IPv4-mapped). Whether the address may be reached is the API's concern (internal ranges refused).
 */
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*\]?$/;
const PORT_RANGE = 'Le port est un nombre entier de 1 à 65535.';

/** A text the person must give: `missing` when absent or blank, `tooLong` beyond `max` characters. */
const requiredText = (max: number, missing: string, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(max, tooLong);

/** The PFI (hospital intermediation platform) the reports go to by HL7 v2 over MLLP. */
export const pfiInput = z.strictObject({
  host: requiredText(
    253,
    "Indiquez l'adresse (nom d'hôte ou adresse IP) de la PFI.",
    "L'adresse de la PFI n'est pas un nom d'hôte ou une adresse IP valide.",
  ).regex(HOST, "L'adresse de la PFI n'est pas un nom d'hôte ou une adresse IP valide."),
  port: z
    .number({
      error: (issue) => (issue.input === undefined ? 'Indiquez le port MLLP de la PFI.' : PORT_RANGE),
    })
    .int(PORT_RANGE)
    .min(1, PORT_RANGE)
    .max(65535, PORT_RANGE),
  receivingApplication: requiredText(
    180,
    "Indiquez l'application réceptrice (MSH-5).",
    "L'application réceptrice compte 180 caractères au plus.",
  ),
  receivingFacility: requiredText(
    180,
    "Indiquez l'établissement récepteur (MSH-6).",
    "L'établissement récepteur compte 180 caractères au plus.",
  ),
  profile: z
    .enum(PFI_PROFILES, { error: 'Choisissez le message HL7 que la PFI attend (MDM ou ORU).' })
    .default('MDM'),
});

/** The practice's distribution: DMP, MSSanté (to the referrer, to the patient), PFI. */
export const distributionSettingsInput = z.strictObject({
  dmp: z.boolean(),
  mssante: z.strictObject({
    enabled: z.boolean(),
    patient: z.boolean(),
    /** The practice's applicative mailbox (BAL applicative), the mails' sender. */
    mailbox: z
      .email({ error: "L'adresse de la boîte aux lettres MSSanté n'est pas une adresse e-mail valide." })
      .nullish(),
  }),
  pfi: pfiInput.nullable(),
});

/** « Annuler l'envoi » of a pending send: the person's reason, optional. */
export const cancelDeliveryInput = z.strictObject({
  reason: z.string().trim().max(500, 'Le motif tient en 500 caractères au plus.').optional(),
});
