/**
 * The identities the simulated INSi knows.
 *
 * Official cases (CNDA test plan, qualification environment): the answers are those of the CNDA
 * response files (shared conformance services/insi/responses) where one exists (TEST_2.04_cas2, TEST_2.05,
 * TEST_2.08_cas1, TEST_2.08_cas2, REP_CR01) — a unit test compares the simulator's answer with
 * each file — and otherwise the table of reference/national-services.md §3 with the TLSI-INS
 * fixtures it cites (padoa/tlsi-ins), in the shape of the files (Prenom present).
 *
 * Synthetic cases (ours, marked `synthetic: true`): a homonym pair to get a 02, and an identity
 * whose birth date has 00 as day and month, so that the domain rule ("an INSi answer whose birth
 * date has 00 as day or month is not taken") can be exercised end to end. Their NIRs are made up
 * (keys computed with the NIR rule 97 − (13 digits mod 97)).
 */

export interface SimulatedIns {
  /** NumIdentifiant: 13 characters. */
  number: string;
  /** Cle: 2 digits. */
  key: string;
  oid: string;
  startDate?: string;
  endDate?: string;
}

/** TIQ exactly as the service returns it (INSi_RESULTAT_INS.xsd, TraitsDIdentite). */
export interface SimulatedTiq {
  NomNaissance: string;
  Prenom?: string;
  ListePrenom: string;
  Sexe: 'M' | 'F';
  DateNaissance: string;
  LieuNaissance?: string;
}

export interface SimulatedIdentity {
  id: string;
  source: string;
  synthetic: boolean;
  active: SimulatedIns;
  history: SimulatedIns[];
  tiq: SimulatedTiq;
}

/** A SOAP Fault the service answers for a given query (Code, Subcode, Reason, siram:Erreur). */
export interface SimulatedFault {
  faultCode: 'Sender' | 'Receiver';
  subcode: string;
  reason: string;
  siramCode: string;
  siramMessage: string;
  severity: 'information' | 'avertissement' | 'erreur' | 'fatale';
}

export interface FaultTrigger {
  id: string;
  source: string;
  /** Traits that trigger the fault (same matching as identities). */
  tiq: Pick<SimulatedTiq, 'NomNaissance' | 'ListePrenom' | 'Sexe' | 'DateNaissance'>;
  fault: SimulatedFault;
}

const NIR = '1.2.250.1.213.1.4.8';
const NIA = '1.2.250.1.213.1.4.9';

export const OFFICIAL_IDENTITIES: SimulatedIdentity[] = [
  {
    id: 'ADRUN_ZOE',
    source: 'national-services.md §3 table; TLSI-INS fixtures/persons/ardun-zoe (INS 275126322074974)',
    synthetic: false,
    active: { number: '2751263220749', key: '74', oid: NIR },
    history: [],
    tiq: {
      NomNaissance: 'ADRUN',
      Prenom: 'ZOE',
      ListePrenom: 'ZOE',
      Sexe: 'F',
      DateNaissance: '1975-12-31',
      LieuNaissance: '63220',
    },
  },
  {
    id: 'TCHITCHI_CATARINA',
    source:
      'national-services.md §3 table; TLSI-INS fixtures/insi-client.fixture getTchitchiXmlResponse (OLA → 01)',
    synthetic: false,
    active: { number: '2360663220836', key: '56', oid: NIR },
    history: [],
    tiq: {
      NomNaissance: 'TCHITCHI',
      Prenom: 'CATARINA',
      ListePrenom: 'CATARINA BELLA',
      Sexe: 'F',
      DateNaissance: '1936-06-21',
      LieuNaissance: '63220',
    },
  },
  {
    id: 'ECETINSI_PIERRE-ALAIN',
    source: 'CNDA response file TEST_2.04_cas2.xml (INS with INSHISTO; no Prenom in TIQ)',
    synthetic: false,
    active: { number: '1090763220834', key: '89', oid: NIR },
    history: [
      // As in the file (DateFin before DateDeb included); served in XSD element order.
      { number: '2090763220834', key: '39', oid: NIR, startDate: '2019-03-01', endDate: '2019-02-28' },
      { number: '2090663220123', key: '55', oid: NIR },
    ],
    tiq: {
      NomNaissance: 'ECETINSI',
      ListePrenom: 'PIERRE-ALAIN MURIEL FLORIANT',
      Sexe: 'M',
      DateNaissance: '2009-07-14',
      LieuNaissance: '63220',
    },
  },
  {
    id: 'NESSI_MICHELANGELO',
    source: 'national-services.md §3 table; TLSI-INS fixtures/virtual-mode/NessiMichelangeloVirtualMode',
    synthetic: false,
    active: { number: '1100863220830', key: '60', oid: NIR },
    history: [],
    tiq: {
      NomNaissance: 'NESSI',
      Prenom: 'MICHELANGELO',
      ListePrenom: 'MICHELANGELO ANTHONY',
      Sexe: 'M',
      DateNaissance: '2010-08-07',
      LieuNaissance: '63220',
    },
  },
  {
    id: 'CORSE_ANTHONY',
    source: 'CNDA response file TEST_2.08_cas1.xml (Corsican COG 2B020; INSHISTO repeats the active INS)',
    synthetic: false,
    active: { number: '180032B020401', key: '23', oid: NIR },
    history: [{ number: '180032B020401', key: '23', oid: NIR }],
    tiq: {
      NomNaissance: 'CORSE',
      Prenom: 'ANTHONY',
      ListePrenom: 'ANTHONY',
      Sexe: 'M',
      DateNaissance: '1980-03-02',
      LieuNaissance: '2B020',
    },
  },
  {
    id: 'HERMANN_GATIEN',
    source: 'CNDA response file TEST_2.08_cas2.xml (sex change history)',
    synthetic: false,
    active: { number: '1810363220456', key: '60', oid: NIR },
    history: [
      { number: '1810363220456', key: '60', oid: NIR },
      { number: '2810363220456', key: '10', oid: NIR },
    ],
    tiq: {
      NomNaissance: 'HERMANN',
      Prenom: 'GATIEN',
      ListePrenom: 'GATIEN',
      Sexe: 'M',
      DateNaissance: '1981-03-24',
      LieuNaissance: '63220',
    },
  },
  {
    id: 'PROVISOIRE_MATRICULE',
    source: 'CNDA response file TEST_2.05.xml (NIA, OID 1.2.250.1.213.1.4.9)',
    synthetic: false,
    active: { number: '1090763220888', key: '35', oid: NIA },
    history: [],
    tiq: {
      NomNaissance: 'PROVISOIRE',
      Prenom: 'MATRICULE',
      ListePrenom: 'MATRICULE',
      Sexe: 'M',
      DateNaissance: '2009-07-01',
      LieuNaissance: '63220',
    },
  },
  // HOUILLES PIERRE / PAUL / JACQUES M 1993-01-27: unknown to the service → 01 (REP_CR01.xml).
];

export const SYNTHETIC_IDENTITIES: SimulatedIdentity[] = [
  {
    id: 'HOMONYME_CAMILLE_PARIS',
    source: 'synthetic: homonym pair (same name, forename, sex, birth date); 02 without birth place',
    synthetic: true,
    active: { number: '2900575056123', key: '84', oid: NIR },
    history: [],
    tiq: {
      NomNaissance: 'HOMONYME',
      Prenom: 'CAMILLE',
      ListePrenom: 'CAMILLE',
      Sexe: 'F',
      DateNaissance: '1990-05-15',
      LieuNaissance: '75056',
    },
  },
  {
    id: 'HOMONYME_CAMILLE_LYON',
    source: 'synthetic: homonym pair (same name, forename, sex, birth date); 02 without birth place',
    synthetic: true,
    active: { number: '2900569123456', key: '37', oid: NIR },
    history: [],
    tiq: {
      NomNaissance: 'HOMONYME',
      Prenom: 'CAMILLE',
      ListePrenom: 'CAMILLE MARIE',
      Sexe: 'F',
      DateNaissance: '1990-05-15',
      LieuNaissance: '69123',
    },
  },
  {
    id: 'DATEPARTIELLE_AMINA',
    source: 'synthetic: TIQ birth date 1962-00-00 (born abroad, COG 99350), for the "00 not taken" rule',
    synthetic: true,
    active: { number: '2629999350017', key: '97', oid: NIR },
    history: [],
    tiq: {
      NomNaissance: 'DATEPARTIELLE',
      Prenom: 'AMINA',
      ListePrenom: 'AMINA',
      Sexe: 'F',
      DateNaissance: '1962-00-00',
      LieuNaissance: '99350',
    },
  },
];

export const DEFAULT_IDENTITIES: SimulatedIdentity[] = [...OFFICIAL_IDENTITIES, ...SYNTHETIC_IDENTITIES];

/**
 * Queries answered with a SOAP Fault. VANDERMONDE ARIANA F 1995-06-17 is the "service
 * unavailable" case of TLSI-INS's virtual mode (fixtures/virtual-mode/VandermondeArianaVirtualMode
 * and BasicVirtualMode: Receiver, Subcode siram_40, siram code insi_102, texts below) [S]; use it
 * to force a fault from a test or a demo.
 */
export const DEFAULT_FAULT_TRIGGERS: FaultTrigger[] = [
  {
    id: 'VANDERMONDE_ARIANA',
    source: 'TLSI-INS virtual mode (service down); severity set to "fatale" (the XSD value)',
    tiq: { NomNaissance: 'VANDERMONDE', ListePrenom: 'ARIANA', Sexe: 'F', DateNaissance: '1995-06-17' },
    fault: {
      faultCode: 'Receiver',
      subcode: 'siram_40',
      reason:
        "Le service est temporairement inaccessible. Veuillez renouveler votre demande ultérieurement. Si le problème persiste, contactez l'éditeur du progiciel ou votre responsable informatique.",
      siramCode: 'insi_102',
      siramMessage:
        "L'appel au service de recherche avec les traits d'identité renvoie une erreur technique.",
      severity: 'fatale',
    },
  },
];

/** Faults of the access checks. */
export const ACCESS_FAULTS = {
  /**
   * Client certificate CN other than INSI-AUTO / INSI-MANU: DESIR_560 "Niveau d'accès
   * insuffisant", message « Vous ne disposez pas des droits suffisants pour accéder à ce service »
   * (TLSI-INS README notes). The Subcode is not documented there: siram_100 is our choice [I].
   */
  insufficientAccess: {
    faultCode: 'Sender',
    subcode: 'siram_100',
    reason: 'Vous ne disposez pas des droits suffisants pour accéder à ce service.',
    siramCode: 'DESIR_560',
    siramMessage: "Niveau d'accès insuffisant",
    severity: 'erreur',
  },
  /** IDAM not in the allow-list: the TLSI-INS fixture service-errors/siram_100-desir_500-fake-idam. */
  unknownSoftware: {
    faultCode: 'Sender',
    subcode: 'siram_100',
    reason:
      "L'accès par ce progiciel au service n'est pas autorisé. Contactez l'éditeur du progiciel ou votre responsable informatique.",
    siramCode: 'desir_550',
    siramMessage: "Numéro d'autorisation du logiciel inconnu.",
    severity: 'erreur',
  },
} satisfies Record<string, SimulatedFault>;

/**
 * Faults for malformed requests. The real service's codes for these cases are not in the
 * public sources: these `simu_*` codes are the simulator's own and say so.
 */
export function invalidRequestFault(detail: string): SimulatedFault {
  return {
    faultCode: 'Sender',
    subcode: 'simu_requete_invalide',
    reason: `Requête invalide (simulateur INSi Rayon) : ${detail}`,
    siramCode: 'simu_requete_invalide',
    siramMessage: detail,
    severity: 'erreur',
  };
}
