/**
 * The API speaks English (its messages are for developers and logs); the portal speaks French.
 * A refusal the person at the desk can meet carries a stable reason key and its parameters
 * (catalogue: packages/domain/src/shared/reasons.ts); this is the French text of each key. The
 * map's type makes a catalogue key without its French text a compile error. An error without a
 * reason is shown by its message, except for the codes whose message never helps a person.
 */
import {
  VISIBILITY_PROBLEM_LABELS,
  type ReasonKey,
  type ReasonParams,
  type VisibilityProblem,
} from '@rayon/domain';
import type { ApiErrorInfo } from '../server/api.ts';
import { reportStatusLabel } from './reports.ts';

const FINAL_STATUS_WORDS: Record<string, string> = {
  completed: 'terminé',
  cancelled: 'annulé',
  discontinued: 'interrompu',
};

/** YYYY-MM-DD as DD/MM/YYYY. */
function frenchDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

const NOT_FOUND_FR = 'Élément introuvable.';

/** A visibility the CI-SIS refuses, said at validation. */
const visibilityRefused = (problem: VisibilityProblem['reason']) =>
  `Le compte rendu ne peut pas être validé : ${VISIBILITY_PROBLEM_LABELS[problem]}`;

/** Refusals about the answer of PSC itself: nothing the professional did wrong, try again. */
const NOT_VERIFIED =
  'La réponse de Pro Santé Connect n’a pas pu être vérifiée ; la connexion a été refusée. Réessayez.';

/** The platform's own ports, as a refused dedicated HL7 port names them. */
const PLATFORM_SERVICE_PORTS: Record<ReasonParams['onboarding.hl7_port.service']['service'], string> = {
  hl7: 'le port partagé de la plateforme',
  'hl7-tls': 'le port TLS partagé de la plateforme',
  api: "le port de l'API de la plateforme",
  dicom: 'le port DICOM de la plateforme',
};

const FRENCH: { [K in ReasonKey]: (p: ReasonParams[K]) => string } = {
  // Identity vigilance rules (RNIV).
  'identity.insi.fictive': () => "l'identité est fictive (RNIV : une identité fictive reste provisoire)",
  'identity.insi.doubtful': () => "l'identité est douteuse (RNIV : une identité douteuse reste provisoire)",
  'identity.validation.fictive': () =>
    'Une identité fictive ne peut pas être validée (RNIV : elle reste provisoire).',
  'identity.validation.doubtful': () =>
    'Une identité douteuse ne peut pas être validée (RNIV : elle reste provisoire).',
  'identity.document.minor_only': () =>
    "Le livret de famille ou l'extrait d'acte de naissance ne valide que l'identité d'un mineur (RNIV).",
  'identity.document.guardian_required': () =>
    "Le livret de famille ou l'extrait d'acte de naissance doit être présenté avec la pièce d'identité à haut niveau de confiance d'un parent ou du représentant légal (RNIV).",
  'identity.document.carte_vitale': () =>
    "La carte Vitale n'est pas une pièce d'identité : elle ne permet pas de valider l'identité (RNIV).",
  'identity.document.not_high_trust': () =>
    "Seule une pièce d'identité à haut niveau de confiance (passeport, carte nationale d'identité, titre de séjour) permet de valider l'identité.",
  // Concurrency and merges.
  'identity.version.changed_by_other': () =>
    "L'identité a été modifiée entre-temps par quelqu'un d'autre : rechargez la page et recommencez.",
  'identity.version.changed': () =>
    "L'identité a été modifiée entre-temps : rechargez la page et recommencez.",
  // Copies of identity documents.
  'identity.documents.copies_disabled': () =>
    "L'établissement ne conserve pas de copie des pièces d'identité (réglage désactivé).",
  'identity.document.empty': () => 'Le fichier est vide.',
  'identity.document.not_found': () => 'Document introuvable.',
  'identity.patient.not_found': () => 'Patient introuvable.',
  'identity.patient.merged': () => 'Ce dossier a été fusionné dans un autre dossier.',
  'identity.merge.self': () => 'Un dossier ne peut pas être fusionné avec lui-même.',
  'identity.merge.survivor_merged': () => 'Le dossier conservé a lui-même été fusionné.',
  'identity.merge.already_merged': () => 'Ce doublon a déjà été fusionné.',
  'identity.merge.survivor_not_found': () => 'Le dossier conservé est introuvable.',
  'identity.merge.absorbed_not_found': () => 'Le doublon à fusionner est introuvable.',
  'identity.ipp.taken': (p) => `L'IPP ${p.value} (${p.authority}) appartient déjà à un autre patient.`,
  // INSi: the call refused, or its answer not taken.
  'identity.insi.not_configured': () => "INSi n'est pas configuré sur ce serveur",
  'identity.insi.sex_required': () =>
    "INSi demande le sexe Masculin ou Féminin : corrigez d'abord les traits stricts",
  'identity.insi.not_found': () => 'INSi ne trouve aucune identité pour ces traits.',
  'identity.insi.several': () => 'INSi trouve plusieurs identités pour ces traits.',
  'identity.insi.birth_date_incomplete': () =>
    "La date de naissance renvoyée par INSi est incomplète (00 comme jour ou mois) : l'INS n'est pas récupérée.",
  'identity.insi.birth_date_invalid': () =>
    "La date de naissance renvoyée par INSi n'est pas une date valide : l'INS n'est pas récupérée.",
  'identity.insi.oid_unknown': (p) => `OID d'INS inconnu (${p.oid}) : l'INS n'est pas récupérée.`,
  'identity.insi.matricule_invalid': () =>
    "Le matricule renvoyé par INSi n'est pas valide (clé incorrecte) : l'INS n'est pas récupérée.",
  'identity.insi.traits_differ': () =>
    "Les traits renvoyés par INSi diffèrent de ceux vérifiés sur la pièce d'identité : vérifiez à nouveau la pièce d'identité.",
  // Organisation certificates.
  'certificates.certificate.not_found': () => 'Certificat introuvable.',
  'certificates.certificate.missing': (p) =>
    `aucun certificat ${p.name} n'est installé pour l'établissement (voir Certificats)`,
  'certificates.key.unreadable': () =>
    'la clé privée du certificat installé ne peut pas être ouverte : installez à nouveau le certificat (voir Certificats)',
  'certificates.file.empty': () => 'Le fichier est vide.',
  'certificates.structure.missing': () =>
    "L'établissement n'a ni FINESS ni SIRET : renseignez-en un avant d'installer un certificat (le certificat est délivré à la structure).",
  'certificates.structure.other': () =>
    'Ce certificat a été délivré à une autre structure que cet établissement.',
  'certificates.p12.empty': () => 'Le fichier du certificat est vide.',
  'certificates.p12.not_pkcs12': () => "Le fichier n'est pas un certificat PKCS#12 (.p12 / .pfx).",
  'certificates.p12.passphrase': () => 'Mot de passe incorrect pour ce fichier PKCS#12.',
  'certificates.p12.algorithm': (p) =>
    `Ce fichier PKCS#12 utilise un algorithme non pris en charge (${p.algorithm}).`,
  'certificates.p12.no_key': () => 'Le fichier PKCS#12 ne contient pas de clé privée.',
  'certificates.p12.no_certificate': () => 'Le fichier PKCS#12 ne contient pas de certificat.',
  'certificates.p12.several_keys': () =>
    'Le fichier PKCS#12 contient plusieurs clés privées ; une seule est attendue.',
  'certificates.p12.key_mismatch': () => 'Aucun certificat du fichier PKCS#12 ne correspond à sa clé privée.',
  'certificates.validity.not_yet': (p) =>
    `Le certificat n'est pas encore valide : valable du ${frenchDay(p.from)} au ${frenchDay(p.to)}.`,
  'certificates.validity.expired': (p) =>
    `Le certificat a expiré le ${frenchDay(p.on)} : déposez le certificat renouvelé.`,
  'certificates.usage.not_client_auth': () =>
    "Ce certificat n'est pas un certificat d'authentification client : déposez le certificat d'organisation « AUTH_CLI ».",
  'certificates.cn.mismatch': (p) =>
    `Le nom commun (CN) du certificat est « ${p.commonName} » alors qu'INSi attend « ${p.expected} » (exactement INSI-AUTO ou INSI-MANU).`,
  // HL7 routes.
  'onboarding.hl7_port.service': (p) => `Ce port est ${PLATFORM_SERVICE_PORTS[p.service]}.`,
  'onboarding.hl7_port.out_of_range': (p) =>
    `Le port ${p.port} est hors de la plage des ports dédiés (${p.from} à ${p.to}).`,
  'onboarding.hl7_port.taken_here': (p) => `Le port ${p.port} est déjà attribué à cet établissement.`,
  'onboarding.hl7_port.taken_elsewhere': (p) =>
    `Le port ${p.port} est déjà attribué à un autre établissement.`,
  // Scheduling.
  'scheduling.slot.outside_hours': (p) =>
    `Le créneau du ${frenchDay(p.date)} de ${p.from} à ${p.to} est en dehors des horaires d'ouverture de ${p.modality}.`,
  'scheduling.slot.taken': () => 'Ce créneau est déjà pris sur cette modalité.',
  'scheduling.exam_type.required': () =>
    "Cet examen n'a pas encore d'entrée du catalogue : choisissez-en une.",
  'scheduling.exam_type.already_set': () => 'Cet examen a déjà son entrée du catalogue.',
  'scheduling.exam_type.unknown': () => "Cet examen n'est pas au catalogue.",
  'scheduling.exam_type.mismatch': (p) =>
    `Un examen ${p.requested} a été demandé : choisissez un examen du catalogue de ce type (et non ${p.chosen}).`,
  'scheduling.modality.incompatible': (p) =>
    `Un examen ${p.exam} ne peut pas être réalisé sur une modalité ${p.modality}.`,
  'scheduling.modality.retired': (p) => `La modalité ${p.name} est retirée du service.`,
  'scheduling.modality.booked': (p) =>
    p.count > 1
      ? `${p.count} rendez-vous sont pris sur cette modalité à partir de maintenant : déplacez-les ou annulez-les avant de la retirer.`
      : 'Un rendez-vous est pris sur cette modalité à partir de maintenant : déplacez-le ou annulez-le avant de la retirer.',
  'scheduling.modality.has_history': () =>
    'Cette modalité a un historique (rendez-vous, examens réalisés) : elle ne peut pas être supprimée, retirez-la.',
  'scheduling.ae_title.taken': (p) => `Le titre AE ${p.aeTitle} est déjà utilisé.`,
  'scheduling.ae_title.invalid': () =>
    'Le titre AE compte 1 à 16 caractères (lettres, chiffres, _ -), sans accent ni « \\ ».',
  'scheduling.referrer.not_found': () => 'Prescripteur introuvable.',
  'scheduling.referrer.taken': (p) =>
    p.identifier === 'rpps'
      ? `Un prescripteur de RPPS ${p.value} existe déjà.`
      : `Un prescripteur de n° ADELI ${p.value} existe déjà.`,
  'scheduling.period.too_long': (p) => `La période de recherche est de ${p.days} jours au plus.`,
  'scheduling.status.final': (p) => {
    const word = FINAL_STATUS_WORDS[p.from] ?? p.from;
    return p.what === 'order'
      ? `Cette demande est ${word}e : son statut ne change plus.`
      : `Cet examen est ${word} : son statut ne change plus.`;
  },
  'scheduling.status.transition': (p) =>
    p.what === 'order'
      ? 'La demande a changé entre-temps : rechargez la page.'
      : "L'examen a changé entre-temps : rechargez la page.",
  // Reporting.
  'reporting.report.not_found': () => 'Compte rendu introuvable.',
  'reporting.document.not_found': () => 'Document introuvable.',
  'reporting.report.locked': () => 'Un autre utilisateur modifie ce compte rendu.',
  'reporting.report.changed': () => 'Le compte rendu a été modifié entre-temps : rechargez la page.',
  'reporting.report.empty': () => 'Le compte rendu est vide : rédigez-le avant de le valider.',
  'reporting.status.transition': (p) =>
    `Un compte rendu ne peut pas passer de l'état « ${reportStatusLabel(p.from)} » à l'état « ${reportStatusLabel(p.to)} » : rechargez la page.`,
  'reporting.report.not_editable': (p) =>
    `Un compte rendu à l'état « ${reportStatusLabel(p.status).toLowerCase()} » ne peut plus être modifié : corrigez-le (nouvelle version).`,
  'reporting.signer.not_allowed': () => 'Seul un radiologue habilité à signer peut valider un compte rendu.',
  'reporting.organisation.no_identifier': () =>
    "L'établissement n'a ni FINESS ni SIRET : les documents du compte rendu (PDF, CDA) ne peuvent pas être produits, il n'est donc pas validé. Renseignez le FINESS ou le SIRET de l'établissement, puis validez.",
  'reporting.correction.not_validated': () =>
    'Seul un compte rendu validé se corrige ; modifiez la version en cours.',
  'reporting.announcement.not_required': () => "Ce compte rendu n'attend pas d'annonce.",
  'reporting.announcement.recorded': () => "L'annonce est déjà enregistrée.",
  'reporting.exam.has_report': () => 'Un compte rendu existe déjà pour cet examen.',
  'reporting.exam.not_acquired': () =>
    "L'examen n'est pas encore réalisé : le compte rendu ne peut pas être rédigé.",
  'reporting.exams.several_orders': () =>
    "Les examens d'un même compte rendu appartiennent à une même demande.",
  'reporting.template.unknown': () => 'Modèle de compte rendu inconnu.',
  'reporting.visibility.legal_representatives_minor_only': () =>
    visibilityRefused('legal_representatives_minor_only'),
  'reporting.visibility.secret_connection_minor_only': () =>
    visibilityRefused('secret_connection_minor_only'),
  'reporting.visibility.secret_connection_needs_legal_representatives': () =>
    visibilityRefused('secret_connection_needs_legal_representatives'),
  'reporting.visibility.secret_connection_needs_dmp': () => visibilityRefused('secret_connection_needs_dmp'),
  'reporting.visibility.masked_with_secret_connection': () =>
    visibilityRefused('masked_with_secret_connection'),
  'reporting.visibility.masked_while_hidden_from_patient': () =>
    visibilityRefused('masked_while_hidden_from_patient'),
  // A CDA document that cannot be read.
  'documents.cda.too_large': (p) =>
    `Le fichier dépasse ${Math.round(p.maxBytes / (1024 * 1024))} Mo : il ne peut pas être affiché.`,
  'documents.cda.not_text': () =>
    "Ce fichier n'est pas un texte UTF-8 : ce n'est pas un document CDA lisible.",
  'documents.cda.not_xml': () => "Ce fichier n'est pas un document XML valide : il ne peut pas être lu.",
  'documents.cda.not_cda': () =>
    "Ce fichier n'est pas un document CDA R2 (élément racine ClinicalDocument HL7 v3 attendu).",
  'documents.cda.structured_body': () =>
    "Ce document CDA a un corps structuré (niveau 3) : ce visualiseur n'affiche que les documents de niveau 1 dont le corps est un PDF.",
  'documents.cda.no_body': () =>
    "Ce document CDA n'a pas de corps non structuré (nonXMLBody) : il ne contient pas de PDF.",
  'documents.cda.body_not_pdf': (p) =>
    `Le corps de ce document CDA n'est pas un PDF en base64 (type ${p.mediaType ?? 'non précisé'}).`,
  'documents.cda.invalid_pdf': () => "Le corps de ce document CDA n'est pas un PDF valide.",
  'report.documents.invalid': (p) =>
    `Les documents du compte rendu ne peuvent pas être produits avec les données enregistrées (${p.path}) : corrigez-les, puis validez.`,
  // Delivery.
  'delivery.address.internal': (p) =>
    `L'adresse ${p.host} est ou désigne une adresse interne (boucle locale, réseau privé, lien local ou métadonnées d'hébergement) : la plateforme n'envoie rien vers elle. Indiquez l'adresse publique ou VPN de la PFI.`,
  'delivery.version_replaced': () =>
    "Cette version a été remplacée par une correction : elle n'est plus envoyée.",
  'delivery.version_withdrawn': () => "Ce compte rendu a été retiré : cette version n'est plus envoyée.",
  'delivery.not_pending': () => "Cet envoi n'est plus en attente : rechargez la page pour voir son état.",
  // Access: sign-in, second factor, passwords.
  'auth.throttled': (p) =>
    p.retryAfterSeconds > 120
      ? `Trop de tentatives : réessayez dans ${Math.ceil(p.retryAfterSeconds / 60)} minutes.`
      : `Trop de tentatives : réessayez dans ${p.retryAfterSeconds} seconde${p.retryAfterSeconds > 1 ? 's' : ''}.`,
  'auth.pending_expired': () =>
    'Cette étape de connexion a expiré : saisissez de nouveau votre mot de passe.',
  'auth.psc_required': () =>
    'Votre établissement exige la connexion par Pro Santé Connect pour les professionnels de santé : utilisez votre e-CPS ou votre carte CPS.',
  'auth.totp_wrong': () =>
    'Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant par votre application.',
  'auth.totp_enrolment_required': () =>
    "Activez d'abord la double authentification avec votre application d'authentification.",
  'auth.totp_already_enrolled': () => 'La double authentification est déjà activée sur ce compte.',
  'auth.batch_refused': () => 'Envoyez chaque étape de connexion séparément.',
  'password.blank': () => 'Le mot de passe ne peut pas être fait que d’espaces.',
  'password.too_short': (p) => `Le mot de passe doit contenir au moins ${p.minLength} caractères.`,
  'password.weak': (p) =>
    [
      'Ce mot de passe serait trop facile à deviner.',
      p.feedbackFr.warning,
      ...p.feedbackFr.suggestions,
      p.feedbackFr.suggestions.length === 0
        ? 'Allongez-le, par exemple avec quelques mots peu courants.'
        : null,
    ]
      .filter(Boolean)
      .join(' '),
  // Pro Santé Connect.
  'psc.acr_refused': () =>
    'Votre authentification Pro Santé Connect n’a pas le niveau requis (eIDAS substantiel). Reconnectez-vous avec votre e-CPS ou votre carte CPS.',
  'psc.id_token_invalid': () => NOT_VERIFIED,
  'psc.nonce_mismatch': () => NOT_VERIFIED,
  'psc.state_mismatch': () => NOT_VERIFIED,
  'psc.flow_expired': () =>
    'Cette connexion par Pro Santé Connect a expiré ou a déjà été utilisée ; elle a été refusée. Recommencez la connexion.',
  'psc.denied': () =>
    'La connexion a été annulée sur Pro Santé Connect. Vous pouvez recommencer quand vous le souhaitez.',
  'psc.provider_error': () =>
    'Pro Santé Connect a refusé la demande de connexion. Réessayez dans un instant ; si cela se reproduit, connectez-vous avec votre mot de passe et prévenez l’administrateur de votre établissement.',
  'psc.unavailable': () =>
    'Pro Santé Connect ne répond pas pour le moment. Réessayez dans un instant, ou connectez-vous avec votre mot de passe.',
  'psc.not_configured': () => 'La connexion par Pro Santé Connect n’est pas proposée sur ce service.',
  'psc.rpps_mismatch': () =>
    'Le numéro RPPS de votre e-CPS ne correspond pas à celui de votre profil de radiologue dans Rayon : rien n’a été lié. Demandez à l’administrateur de votre établissement de vérifier votre RPPS.',
  'psc.already_linked': () =>
    'Cette e-CPS est déjà liée à un autre compte Rayon, ou votre compte à une autre e-CPS : rien n’a été changé.',
  'psc.account_disabled': () =>
    'Votre compte Rayon est désactivé : la connexion a été refusée. Adressez-vous à l’administrateur de votre établissement.',
  'psc.invitation_invalid': () =>
    'Ce lien d’invitation n’est plus valable (expiré, annulé ou déjà utilisé). Demandez une nouvelle invitation à l’administrateur de votre établissement.',
  'psc.invitation_other_account': () =>
    'Votre e-CPS est liée à un compte Rayon d’une autre adresse que celle de l’invitation. Connectez-vous avec ce compte, ou demandez une invitation à son adresse.',
  'psc.cgu_required': () =>
    'Acceptez les conditions générales d’utilisation de Pro Santé Connect pour continuer.',
  'psc.unlink_needs_password': () =>
    'Votre compte n’a pas de mot de passe : sans votre e-CPS, vous ne pourriez plus vous connecter. Choisissez d’abord un mot de passe (« Mot de passe oublié ? » sur la page de connexion).',
  'psc.required_by_practice': () =>
    'Votre établissement exige la connexion par Pro Santé Connect pour les professionnels de santé : votre e-CPS ne peut pas être déliée.',
  'psc.not_a_psc_session': () =>
    'Cette session n’a pas été ouverte avec Pro Santé Connect : reconnectez-vous avec votre e-CPS.',
};

/** French texts by tRPC code, for the errors whose message never helps a person. */
const BY_CODE: Record<string, string> = {
  INTERNAL_SERVER_ERROR: 'Erreur interne du serveur.',
  UNAUTHORIZED: 'Votre session a expiré : reconnectez-vous.',
  NOT_FOUND: NOT_FOUND_FR,
};

function isReasonKey(key: string): key is ReasonKey {
  return Object.hasOwn(FRENCH, key);
}

/** The French text of a catalogue key, with its parameters when it has any. */
export function reasonText<K extends ReasonKey>(
  reason: K,
  ...params: ReasonParams[K] extends Record<string, never> ? [] : [ReasonParams[K]]
): string {
  return (FRENCH[reason] as (p: ReasonParams[K] | Record<string, never>) => string)(params[0] ?? {});
}

/** The French text of a reason key with its parameters, or undefined for a key not in the catalogue. */
export function frenchReason(
  reason: string,
  params: Readonly<Record<string, unknown>> | null = {},
): string | undefined {
  if (!isReasonKey(reason)) return undefined;
  const fr = FRENCH[reason] as (p: Readonly<Record<string, unknown>>) => string;
  return fr(params ?? {});
}

/** The French explanation of an API error: by its reason key, else by its code, else its message. */
export function frenchApiError(info: Pick<ApiErrorInfo, 'code' | 'reason' | 'params' | 'message'>): string {
  const byReason = info.reason ? frenchReason(info.reason, info.params) : undefined;
  return byReason ?? (info.code ? BY_CODE[info.code] : undefined) ?? info.message;
}

/** A sentence starting with a capital letter (for messages shown on their own). */
export function sentence(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
