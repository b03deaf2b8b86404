import {
  API_SCOPES,
  type ApiScope,
  CERTIFICATE_PURPOSES,
  type CertificatePurpose,
  formatParisDate,
  formatParisDateTime,
  IDENTITY_DOCUMENT_TYPES,
  IDENTITY_STATUS_LABELS,
  IDENTITY_STATUSES,
  type IdentityAttributes,
  type IdentityDocumentType,
  type IdentitySource,
  type IdentityStatus,
  INS_OIDS,
  isOneOf,
  isTenantRole,
  type Sex,
  SEXES,
  TENANT_ROLE_LABELS,
  TENANT_STATUS_LABELS,
  TENANT_STATUSES,
} from '@rayon/domain';

export function tenantStatusLabel(status: string): string {
  return isOneOf(TENANT_STATUSES, status) ? TENANT_STATUS_LABELS[status] : status;
}

export function roleLabel(role: string): string {
  return isTenantRole(role) ? TENANT_ROLE_LABELS[role] : role;
}

const PROVISIONING_STEP_LABELS: Record<string, string> = {
  queued: 'En attente de traitement',
  schema: "Création de l'espace de données",
  migrations: 'Préparation des tables',
  'first-site': 'Création du premier site',
  done: 'Terminé',
  failed: 'Échec',
  deprovisioned: 'Supprimé',
};

export function provisioningStepLabel(step: string): string {
  return PROVISIONING_STEP_LABELS[step] ?? step;
}

export const API_SCOPE_LABELS: Record<ApiScope, string> = {
  'sites:read': 'Lecture des sites',
  'sites:write': 'Modification des sites',
  'patients:read': 'Lecture des patients',
  'patients:write': 'Création et modification des identités patients',
  'orders:read': 'Lecture des demandes et rendez-vous',
  'orders:write': 'Création des demandes et prise de rendez-vous',
  'reports:read': 'Lecture des comptes rendus et de leurs documents',
  'reports:write': 'Rédaction, validation, correction et retrait des comptes rendus',
  'staff:read': "Lecture de l'équipe et des invitations",
  'staff:write': "Invitations, rôles, profils et désactivation des membres de l'équipe",
};

export function apiScopeLabel(scope: string): string {
  return isOneOf(API_SCOPES, scope) ? API_SCOPE_LABELS[scope] : scope;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : formatParisDateTime(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : formatParisDate(d);
}

// ------------------------------------------------------------------------ patient identity

export const IDENTITY_STATUS_HINTS: Record<IdentityStatus, string> = {
  provisoire: "Ni récupérée par INSi, ni vérifiée sur une pièce d'identité à haut niveau de confiance.",
  recuperee: "INS récupérée par INSi ; pièce d'identité à haut niveau de confiance non vérifiée.",
  validee: "Pièce d'identité à haut niveau de confiance vérifiée ; INS non récupérée par INSi.",
  qualifiee: "INS récupérée par INSi et pièce d'identité à haut niveau de confiance vérifiée.",
};

export function isIdentityStatus(value: string): value is IdentityStatus {
  return isOneOf(IDENTITY_STATUSES, value);
}

export function identityStatusLabel(status: string): string {
  return isIdentityStatus(status) ? IDENTITY_STATUS_LABELS[status] : status;
}

export const SEX_LABELS: Record<Sex, string> = { M: 'Masculin', F: 'Féminin', U: 'Indéterminé' };

export function sexLabel(sex: string): string {
  return isOneOf(SEXES, sex) ? SEX_LABELS[sex] : sex;
}

export const ATTRIBUTE_LABELS: Record<keyof IdentityAttributes, string> = {
  douteuse: 'Identité douteuse',
  fictive: 'Identité fictive',
  homonyme: 'Homonyme',
};

export const ATTRIBUTE_HINTS: Record<keyof IdentityAttributes, string> = {
  douteuse:
    "Doute sur l'identité déclarée. L'identité repasse en statut provisoire : l'INS et la vérification de la pièce sont retirées.",
  fictive:
    "Identité d'emprunt (anonymat, exercice…). L'identité repasse en statut provisoire : l'INS et la vérification de la pièce sont retirées.",
  homonyme: 'Homonymie avérée avec un autre patient : redoubler de vigilance. Sans effet sur le statut.',
};

export const DOCUMENT_TYPE_LABELS: Record<IdentityDocumentType, string> = {
  carte_identite: "Carte nationale d'identité",
  passeport: 'Passeport',
  titre_sejour: 'Titre de séjour',
  livret_famille: 'Livret de famille (mineur)',
  acte_naissance: "Extrait d'acte de naissance (mineur)",
  carte_vitale: 'Carte Vitale',
  autre: 'Autre document',
};

export function documentTypeLabel(type: string): string {
  return isOneOf(IDENTITY_DOCUMENT_TYPES, type) ? DOCUMENT_TYPE_LABELS[type] : type;
}

/** What each INS OID means (INS reference: NIR, NIA, test and demonstration authorities). */
export const INS_OID_LABELS: Record<string, string> = {
  [INS_OIDS.nir]: "NIR (numéro d'inscription au répertoire)",
  [INS_OIDS.nia]: "NIA (numéro identifiant d'attente)",
  [INS_OIDS.test]: 'INS de test',
  [INS_OIDS.demo]: 'INS de démonstration',
};

export function insOidLabel(oid: string): string {
  return INS_OID_LABELS[oid] ?? 'Autorité inconnue';
}

/** A NIR/NIA written as on the Carte Vitale: 1 85 03 63 220 123 45. */
export function formatMatricule(matricule: string): string {
  const m = /^(\d)(\d{2})(\d{2})(\d[\dAB])(\d{3})(\d{3})(\d{2})$/.exec(matricule);
  return m ? m.slice(1).join(' ') : matricule;
}

/** A birth date `YYYY-MM-DD` as 12/03/1985 (no time zone involved). */
export function formatBirthDate(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : value;
}

export const IDENTITY_SOURCE_LABELS: Record<IdentitySource, string> = {
  desk: 'Accueil',
  api: 'API',
  hl7: 'HL7',
  insi: 'INSi',
  merge: 'Fusion',
};

export function identitySourceLabel(source: string): string {
  return source in IDENTITY_SOURCE_LABELS ? IDENTITY_SOURCE_LABELS[source as IdentitySource] : source;
}

const IDENTITY_ACTION_LABELS: Record<string, string> = {
  created: "Création de l'identité",
  updated: "Mise à jour par le flux d'identité",
  'identifiers-added': "Ajout d'identifiants (IPP)",
  'traits-changed': 'Modification des traits stricts',
  'complementary-changed': 'Modification des traits complémentaires',
  'document-checked': "Vérification d'une pièce d'identité",
  'attributes-changed': 'Modification des attributs',
  merged: 'Dossier fusionné dans un autre dossier',
  absorbed: "Fusion d'un doublon dans ce dossier",
  'insi-called': 'Appel INSi',
  'insi-applied': 'Appel INSi : INS récupérée',
  'insi-retrieved': 'Appel INSi : INS récupérée',
  insi: 'Appel INSi',
  'insi-answer': 'Appel INSi',
  'dmp-identity-difference': 'DMP : le patient y est connu sous une autre INS (envoi suspendu)',
};

export function identityActionLabel(action: string, source?: string): string {
  return IDENTITY_ACTION_LABELS[action] ?? (source === 'insi' ? 'Appel INSi' : action);
}

const ACTOR_TYPE_LABELS: Record<string, string> = {
  user: 'Utilisateur',
  api_key: "Clé d'API",
  system: 'Système',
};

export function actorTypeLabel(type: string): string {
  return ACTOR_TYPE_LABELS[type] ?? type;
}

const IDENTITY_FIELD_LABELS: Record<string, string> = {
  'traits.birthFamilyName': 'Nom de naissance',
  'traits.firstBirthForename': 'Premier prénom de naissance',
  'traits.birthForenames': 'Liste des prénoms de naissance',
  'traits.birthDate': 'Date de naissance',
  'traits.sex': 'Sexe',
  'traits.birthPlaceCode': 'Lieu de naissance (code INSEE)',
  'complementary.usedFamilyName': 'Nom utilisé',
  'complementary.usedForename': 'Prénom utilisé',
  status: "Statut de l'identité",
  'attributes.douteuse': 'Identité douteuse',
  'attributes.fictive': 'Identité fictive',
  'attributes.homonyme': 'Homonyme',
  'ins.matricule': 'Matricule INS',
  'ins.oid': "OID de l'INS",
  insRetrievedAt: 'INS récupérée le',
  'identityDocument.type': "Pièce d'identité vérifiée",
  'identityDocument.checkedAt': "Pièce d'identité vérifiée le",
  mergedInto: 'Fusionné dans le dossier',
  absorbed: 'Doublon absorbé',
};

/** French name of a field of the identity history (`traits.birthDate`, `identifier.<authority>`…). */
export function identityFieldLabel(field: string): string {
  const known = IDENTITY_FIELD_LABELS[field];
  if (known) return known;
  if (field.startsWith('identifier.')) return `IPP (${field.slice('identifier.'.length)})`;
  return field;
}

/** A value of the identity history, in French. Patient ids (merge) are left to the caller. */
export function identityValueLabel(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  if (typeof value !== 'string') return typeof value === 'number' ? String(value) : JSON.stringify(value);
  switch (field) {
    case 'status':
      return identityStatusLabel(value);
    case 'traits.sex':
      return sexLabel(value);
    case 'traits.birthDate':
      return formatBirthDate(value);
    case 'ins.oid':
      return `${value} (${insOidLabel(value)})`;
    case 'ins.matricule':
      return formatMatricule(value);
    case 'identityDocument.type':
      return documentTypeLabel(value);
    case 'insRetrievedAt':
    case 'identityDocument.checkedAt':
      return formatDateTime(value);
    default:
      return value;
  }
}

// ------------------------------------------------------------------------------------- HL7

const HL7_STATUS_LABELS: Record<string, string> = {
  received: 'Reçu, en attente',
  processed: 'Traité',
  failed: 'En erreur',
};

export function hl7StatusLabel(status: string): string {
  return HL7_STATUS_LABELS[status] ?? status;
}

// ---------------------------------------------------------------------------- certificates

export { CERTIFICATE_PURPOSES };

export const CERTIFICATE_PURPOSE_LABELS: Record<CertificatePurpose, string> = {
  'insi-auto': 'INSi — appel automatique (INSI-AUTO)',
  'insi-manu': 'INSi — appel par un utilisateur (INSI-MANU)',
  dmp: 'DMP — alimentation (certificat d’authentification de la structure)',
  mssante: 'MSSanté — boîte aux lettres applicative',
};

export function certificatePurposeLabel(purpose: string): string {
  return isOneOf(CERTIFICATE_PURPOSES, purpose) ? CERTIFICATE_PURPOSE_LABELS[purpose] : purpose;
}
