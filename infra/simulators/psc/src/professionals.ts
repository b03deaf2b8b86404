/**
 * The simulator's test professionals and the userinfo claims PSC would release for them, shaped
 * like the ANS sample (conformance/services/psc/userinfo-UserInfo_site_PSC.json): the national id
 * in `SubjectNameID` (`8` + RPPS, or `0` + ADELI), the professional record in `SubjectRefPro`.
 * Codes: profession from TRE_G15 (10 médecin, 98 manipulateur ERM), savoir-faire from TRE_R01
 * (SM44 « Radio-diagnostic (SM) »), category from TRE_R09 (C civil, E étudiant).
 */

export type PscProfessionalKey = 'radiologist' | 'resident' | 'technologist' | 'unknown';

export interface PscActivity {
  codeModeExercice: string;
  codeSecteurDactivite: string;
  codeSectionPharmacien: string;
  codeRole: string;
  codeGenreActivite: string;
  numeroSiretSite: string;
  numeroSirenSite: string;
  numeroFinessSite: string;
  numeroFinessetablissementJuridique: string;
  identifiantTechniqueDeLaStructure: string;
  raisonSocialeSite: string;
  enseigneCommercialeSite: string;
  complementDestinataire: string;
  complementPointGeographique: string;
  numeroVoie: string;
  indiceRepetitionVoie: string;
  codeTypeDeVoie: string;
  libelleVoie: string;
  mentionDistribution: string;
  bureauCedex: string;
  codePostal: string;
  codeCommune: string;
  codePays: string;
  telephone: string;
  telephone2: string;
  telecopie: string;
  adresseEMail: string;
  codeDepartement: string;
  ancienIdentifiantDeLaStructure: string;
  autoriteDenregistrement: string;
}

export interface PscExercice {
  codeProfession: string;
  codeCategorieProfessionnelle: string;
  codeCiviliteDexercice: string;
  nomDexercice: string;
  prenomDexercice: string;
  codeTypeSavoirFaire: string;
  codeSavoirFaire: string;
  activities: PscActivity[];
}

/** The userinfo claims (`sub` is added by the provider: it is the account id, the SubjectNameID). */
export interface PscUserInfoClaims {
  SubjectNameID: string;
  preferred_username: string;
  given_name: string;
  family_name: string;
  email_verified: boolean;
  SubjectOrganization: string;
  SubjectOrganizationID: string;
  SubjectRole: string[];
  Secteur_Activite: string;
  Palier_Authentification: string;
  Mode_Acces_Raison: string;
  Acces_Regulation_Medicale: string;
  UITVersion: string;
  PSI_Locale: string;
  otherIds: { identifiant: string; origine: string; qualite: number }[];
  SubjectRefPro: { codeCivilite: string; exercices: PscExercice[] };
}

export interface PscTestProfessional {
  key: PscProfessionalKey;
  /** What the login page shows (name, profession). */
  label: string;
  /** `SubjectNameID`: `8` + RPPS or `0` + ADELI; also the OIDC `sub` (the provider's account id). */
  nationalId: string;
  rpps: string | null;
  claims: PscUserInfoClaims;
}

/** The claim names released under `scope_all`, in the sample's order of importance. */
export const PSC_SCOPE_ALL_CLAIMS = [
  'SubjectNameID',
  'preferred_username',
  'given_name',
  'family_name',
  'email_verified',
  'SubjectOrganization',
  'SubjectOrganizationID',
  'SubjectRole',
  'Secteur_Activite',
  'Palier_Authentification',
  'Mode_Acces_Raison',
  'Acces_Regulation_Medicale',
  'UITVersion',
  'PSI_Locale',
  'otherIds',
  'SubjectRefPro',
] as const satisfies readonly (keyof PscUserInfoClaims)[];

function activity(fields: Partial<PscActivity>): PscActivity {
  return {
    codeModeExercice: '',
    codeSecteurDactivite: '',
    codeSectionPharmacien: '',
    codeRole: '',
    codeGenreActivite: 'GENR01',
    numeroSiretSite: '',
    numeroSirenSite: '',
    numeroFinessSite: '',
    numeroFinessetablissementJuridique: '',
    identifiantTechniqueDeLaStructure: '',
    raisonSocialeSite: '',
    enseigneCommercialeSite: '',
    complementDestinataire: '',
    complementPointGeographique: '',
    numeroVoie: '',
    indiceRepetitionVoie: '',
    codeTypeDeVoie: '',
    libelleVoie: '',
    mentionDistribution: '',
    bureauCedex: '',
    codePostal: '',
    codeCommune: '',
    codePays: '',
    telephone: '',
    telephone2: '',
    telecopie: '',
    adresseEMail: '',
    codeDepartement: '',
    ancienIdentifiantDeLaStructure: '',
    autoriteDenregistrement: '',
    ...fields,
  };
}

/** The quick start's demo practice (infra/seed/src/demo.ts): name, legal-entity FINESS, SIRET. */
const demoCentre = activity({
  codeModeExercice: 'L',
  codeSecteurDactivite: 'SA07',
  // 750712184 is the demo practice's legal-entity FINESS; the site FINESS is left empty as in
  // the ANS sample.
  numeroFinessetablissementJuridique: '750712184',
  numeroSiretSite: '26750045200011',
  numeroSirenSite: '267500452',
  raisonSocialeSite: 'Centre d’imagerie de démonstration',
  numeroVoie: '12',
  codeTypeDeVoie: 'R',
  libelleVoie: 'DE LA SANTE',
  codePostal: '75013',
  codeCommune: '75113',
  codeDepartement: '75',
});

const hospital = activity({
  codeModeExercice: 'S',
  codeSecteurDactivite: 'SA01',
  raisonSocialeSite: 'HOPITAL GENERIQUE',
  numeroVoie: '20',
  codeTypeDeVoie: 'R',
  libelleVoie: 'DE PARIS',
  codePostal: '75020',
  codeCommune: '75120',
  codeDepartement: '75',
});

function claims(p: {
  nationalId: string;
  givenName: string;
  familyName: string;
  codeCivilite: string;
  organisation: PscActivity;
  exercice: Omit<PscExercice, 'nomDexercice' | 'prenomDexercice' | 'activities'>;
}): PscUserInfoClaims {
  return {
    SubjectNameID: p.nationalId,
    preferred_username: p.nationalId,
    given_name: p.givenName,
    family_name: p.familyName,
    email_verified: false,
    SubjectOrganization: p.organisation.raisonSocialeSite,
    SubjectOrganizationID: '',
    SubjectRole: [`${p.exercice.codeProfession}^1.2.250.1.213.1.1.5.5`],
    Secteur_Activite: `${p.organisation.codeSecteurDactivite}^1.2.250.1.71.4.2.4`,
    Palier_Authentification: 'APPPRIP3^1.2.250.1.213.1.5.1.1.1',
    Mode_Acces_Raison: '',
    Acces_Regulation_Medicale: 'FAUX',
    UITVersion: '1.0',
    PSI_Locale: '1.2.250.1.213.1.3.1.1',
    otherIds: [{ identifiant: p.nationalId, origine: 'RPPS', qualite: 1 }],
    SubjectRefPro: {
      codeCivilite: p.codeCivilite,
      exercices: [
        {
          ...p.exercice,
          nomDexercice: p.familyName,
          prenomDexercice: p.givenName,
          activities: [p.organisation],
        },
      ],
    },
  };
}

export const PSC_TEST_PROFESSIONALS: readonly PscTestProfessional[] = [
  {
    key: 'radiologist',
    label: 'Dr Julien MOREAU — médecin radiologue',
    // The quick start's demo radiologist (RPPS 10001234565 in the seed): Rayon links him.
    nationalId: '810001234565',
    rpps: '10001234565',
    claims: claims({
      nationalId: '810001234565',
      givenName: 'Julien',
      familyName: 'MOREAU',
      codeCivilite: 'M',
      organisation: demoCentre,
      exercice: {
        codeProfession: '10',
        codeCategorieProfessionnelle: 'C',
        codeCiviliteDexercice: 'DR',
        codeTypeSavoirFaire: 'S',
        codeSavoirFaire: 'SM44', // TRE_R01: « Radio-diagnostic (SM) »
      },
    }),
  },
  {
    key: 'resident',
    label: 'Camille PETIT — interne en radiologie',
    // RPPS 10000000017: 11 digits, Luhn key valid (the rule of isValidRpps in @rayon/domain).
    nationalId: '810000000017',
    rpps: '10000000017',
    claims: claims({
      nationalId: '810000000017',
      givenName: 'Camille',
      familyName: 'PETIT',
      codeCivilite: 'MME',
      organisation: hospital,
      exercice: {
        codeProfession: '10',
        codeCategorieProfessionnelle: 'E',
        codeCiviliteDexercice: '',
        codeTypeSavoirFaire: '',
        codeSavoirFaire: '',
      },
    }),
  },
  {
    key: 'technologist',
    label: 'Karim HADDAD — manipulateur d’électroradiologie médicale',
    // No RPPS: identified by his ADELI number 751234567 (department 75), prefixed with 0 as PSC
    // does for ADELI identities. Hypothesis: no ADELI check key is verified (as in @rayon/domain).
    nationalId: '0751234567',
    rpps: null,
    claims: (() => {
      const c = claims({
        nationalId: '0751234567',
        givenName: 'Karim',
        familyName: 'HADDAD',
        codeCivilite: 'M',
        organisation: demoCentre,
        exercice: {
          codeProfession: '98', // TRE_G15: « Manipulateur ERM »
          codeCategorieProfessionnelle: 'C',
          codeCiviliteDexercice: '',
          codeTypeSavoirFaire: '',
          codeSavoirFaire: '',
        },
      });
      return { ...c, otherIds: [{ identifiant: '0751234567', origine: 'ADELI', qualite: 1 }] };
    })(),
  },
  {
    key: 'unknown',
    label: 'Dr Claire LEROY — médecin radiologue (inconnue de Rayon)',
    // A valid RPPS (10000000025) that no Rayon practice has: the « identité non liée » case.
    nationalId: '810000000025',
    rpps: '10000000025',
    claims: claims({
      nationalId: '810000000025',
      givenName: 'Claire',
      familyName: 'LEROY',
      codeCivilite: 'MME',
      organisation: activity({
        codeModeExercice: 'L',
        codeSecteurDactivite: 'SA07',
        raisonSocialeSite: 'CABINET DE RADIOLOGIE LEROY',
        codePostal: '69003',
        codeCommune: '69383',
        codeDepartement: '69',
      }),
      exercice: {
        codeProfession: '10',
        codeCategorieProfessionnelle: 'C',
        codeCiviliteDexercice: 'DR',
        codeTypeSavoirFaire: 'S',
        codeSavoirFaire: 'SM44',
      },
    }),
  },
];
