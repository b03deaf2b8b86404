import { API_SCOPES, CERTIFICATE_PURPOSES, isValidFiness, isValidSiret, SLUG_PATTERN } from '@rayon/domain';
import { z } from 'zod';
import { linesOf } from './lines.ts';

/**
 * Input schemas of the onboarding area (practices, API keys, sites, HL7 routes and ports,
 * organisation certificates), shared
 * by tRPC and the portal's forms, with the French sentence of each refusal.
 */

const TOO_LONG = 'Valeur trop longue.';

/** A text the person must give: `missing` when absent or blank. */
const requiredText = (max: number, missing: string) =>
  z.string(missing).trim().min(1, missing).max(max, TOO_LONG);
/** An optional field: empty or null is absent. */
const optional = <T extends z.ZodType>(s: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), s.optional());

const finess = (which: 'juridique' | 'géographique') => {
  const refusal = `Numéro FINESS ${which} invalide : 9 caractères, dont la clé de contrôle, qui doit être juste.`;
  return z.string().trim().max(9, refusal).refine(isValidFiness, refusal);
};
const SIRET_REFUSAL = 'Numéro SIRET invalide : 14 chiffres, dont la clé de contrôle, qui doit être juste.';
const siret = z.string().trim().max(14, SIRET_REFUSAL).refine(isValidSiret, SIRET_REFUSAL);

const SLUG_REFUSAL =
  "L'identifiant compte 3 à 40 caractères : lettres minuscules, chiffres et tirets, en commençant par une lettre.";

/** A practice's identifier (its address in the portal). */
export const tenantSlug = z.string(SLUG_REFUSAL).regex(SLUG_PATTERN, SLUG_REFUSAL);

/** A new practice, its first site and its first administrator (the platform administrator's). */
export const onboardInput = z.strictObject({
  name: requiredText(200, "Indiquez le nom de l'établissement."),
  slug: tenantSlug,
  finess: optional(finess('juridique')),
  siret: optional(siret),
  firstSite: z.strictObject({
    name: requiredText(200, 'Indiquez le nom du site.'),
    finess: optional(finess('géographique')),
    city: optional(requiredText(120, 'Indiquez la ville.')),
  }),
  admin: z.strictObject({
    email: z.email('Indiquez une adresse e-mail valide.').max(320, TOO_LONG),
    displayName: requiredText(200, "Indiquez le nom de l'administrateur."),
  }),
});

/** An API key of a practice and what it may do. */
export const apiKeyInput = z.strictObject({
  tenantSlug,
  name: requiredText(100, 'Indiquez le nom de la clé.'),
  scopes: z
    .array(z.enum(API_SCOPES, 'Droit inconnu.'), 'Choisissez au moins un droit.')
    .min(1, 'Choisissez au moins un droit.'),
});

export const siteInput = z.strictObject({
  name: requiredText(200, 'Indiquez le nom du site.'),
  finess: optional(finess('géographique')),
  address: optional(requiredText(300, "Indiquez l'adresse.")),
  postalCode: optional(z.string().regex(/^[0-9]{5}$/, 'Le code postal compte 5 chiffres.')),
  city: optional(requiredText(120, 'Indiquez la ville.')),
  phone: optional(requiredText(30, 'Indiquez le téléphone.')),
});

export const letterheadInput = z.strictObject({
  id: z.uuid(),
  letterhead: z
    .string()
    .max(1200, TOO_LONG)
    .refine((v) => v.split('\n').length <= 6, 'Six lignes au plus.')
    .nullable(),
});

// ------------------------------------------------------------------------------ HL7 routes

/** MSH-5 and MSH-6 route a message on the shared port: both are required there. */
const mshText = (label: string) => requiredText(180, `Indiquez ${label} : obligatoire sur le port partagé.`);
const MSH = {
  receivingApplication: mshText("l'application réceptrice (MSH-5)"),
  receivingFacility: mshText("l'établissement récepteur (MSH-6)"),
};

const BYTES_REFUSAL = 'Une taille en octets.';

/** A route's senders: source addresses (CIDR), TLS client certificate fingerprints, size limit. */
const hl7Senders = {
  allowedSources: z.array(z.string().trim().max(50, TOO_LONG)).max(50, '50 adresses ou plages au plus.'),
  clientCertFingerprints: z.array(z.string().trim().max(120, TOO_LONG)).max(20, '20 certificats au plus.'),
  maxMessageBytes: z.number(BYTES_REFUSAL).int(BYTES_REFUSAL),
};

export const hl7Port = z
  .number('Un numéro de port entre 1 et 65535.')
  .int('Un numéro de port entre 1 et 65535.')
  .min(1, 'Un numéro de port entre 1 et 65535.')
  .max(65535, 'Un numéro de port entre 1 et 65535.');

/** A dedicated port given to a practice (a new route, or one of its shared-port routes moved there). */
export const assignHl7PortInput = z.strictObject({
  tenantSlug,
  port: hl7Port,
  routeId: z.uuid('Choisissez une route de cet établissement.').optional(),
});

/** A route on the shared port; `port` is accepted only to refuse it by name (the platform's). */
export const createHl7RouteInput = z.strictObject({
  port: hl7Port.nullable().optional(),
  ...MSH,
  allowedSources: hl7Senders.allowedSources.optional(),
  clientCertFingerprints: hl7Senders.clientCertFingerprints.optional(),
  maxMessageBytes: hl7Senders.maxMessageBytes.optional(),
});

/** A change of a route: what is left out stays; MSH-5 / MSH-6 may be cleared on a dedicated port. */
export const updateHl7RouteInput = z.strictObject({
  id: z.uuid(),
  port: hl7Port.nullable().optional(),
  receivingApplication: MSH.receivingApplication.nullable().optional(),
  receivingFacility: MSH.receivingFacility.nullable().optional(),
  allowedSources: hl7Senders.allowedSources.optional(),
  clientCertFingerprints: hl7Senders.clientCertFingerprints.optional(),
  maxMessageBytes: hl7Senders.maxMessageBytes.optional(),
});

const KIB_REFUSAL = 'Un nombre entier de Kio (1 024 Kio = 1 Mio).';

/**
 * The route form's senders as typed: addresses and fingerprints one per line, the size in Kio
 * (empty: 1 Mio), read into what the API takes.
 */
const sendersForm = {
  allowedSources: linesOf('source').pipe(hl7Senders.allowedSources),
  clientCertFingerprints: linesOf('fingerprint').pipe(hl7Senders.clientCertFingerprints),
  maxMessageKib: z
    .string()
    .trim()
    .regex(/^\d*$/, KIB_REFUSAL)
    .transform((kib) => (kib === '' ? 1024 : Number(kib)))
    .pipe(z.number().int().min(1, KIB_REFUSAL)),
};

const bytesOf = <T extends { maxMessageKib: number }>({ maxMessageKib, ...route }: T) => ({
  ...route,
  maxMessageBytes: maxMessageKib * 1024,
});

/** The portal's form of a route on the shared port (new, or changed): MSH-5 and MSH-6 required. */
export const sharedRouteForm = z.strictObject({ ...MSH, ...sendersForm }).transform(bytesOf);

/**
 * The portal's form of a route on a dedicated port (the port routes it): MSH-5 and MSH-6 go
 * together, both or neither (empty: cleared).
 */
export const dedicatedRouteForm = z
  .strictObject({
    receivingApplication: z.string().trim().max(180, TOO_LONG),
    receivingFacility: z.string().trim().max(180, TOO_LONG),
    ...sendersForm,
  })
  .superRefine((route, ctx) => {
    if (!route.receivingApplication !== !route.receivingFacility) {
      ctx.addIssue({
        code: 'custom',
        path: [route.receivingApplication ? 'receivingFacility' : 'receivingApplication'],
        message: 'MSH-5 et MSH-6 vont ensemble : renseignez les deux ou aucun.',
      });
    }
  })
  .transform((route) =>
    bytesOf({
      ...route,
      receivingApplication: route.receivingApplication || null,
      receivingFacility: route.receivingFacility || null,
    }),
  );

/** An organisation certificate uploaded by the practice's administrator (PKCS#12, base64). */
export const uploadCertificateInput = z.strictObject({
  purpose: z.enum(CERTIFICATE_PURPOSES, "Choisissez l'usage du certificat."),
  p12Base64: z
    .base64('Le fichier doit être un certificat PKCS#12 (.p12 ou .pfx).')
    .min(1, 'Choisissez le fichier du certificat (.p12 ou .pfx).')
    .max(200_000, 'Ce fichier est trop volumineux pour être un certificat PKCS#12.'),
  passphrase: z
    .string()
    .min(1, 'Indiquez le mot de passe du fichier PKCS#12.')
    .max(200, 'Le mot de passe compte au plus 200 caractères.'),
});
