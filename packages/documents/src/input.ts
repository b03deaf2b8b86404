/**
 * What a report document is made from: one JSON description (patient, exams, referrer,
 * radiologist, organisation, report text, version), the same for the PDF/A-1b and the CDA R2
 * N1. The schema names each field in its errors; `reportDocumentJsonSchema()` publishes it.
 */
import { ADELI_PATTERN, checkMatricule } from '@rayon/domain';
import { z } from 'zod';
import { J01_XDS_AUTHOR_SPECIALTY, J02_HEALTHCARE_FACILITY_TYPE } from './cda/value-sets.ts';
import { insNameCharacters } from './pdf/ins-datamatrix.ts';

const oid = z
  .string()
  .regex(/^[0-2](\.(0|[1-9]\d*))+$/, 'an OID (digits and dots)')
  .max(64);
/** A CDA uid: an OID or a UUID. */
const uid = z.union([oid, z.uuid('an OID or a UUID')]);
/**
 * Control characters (other than tab and line breaks, which become spaces) cannot travel in a
 * one-line field: XML 1.0 cannot carry them and the PDF would not print them. They are removed
 * before the field is checked, so a name made only of them is "required", never an empty element.
 */
const stripControls = (s: string) => s.replace(/[\t\n\r]/g, ' ').replace(/[\p{Cc}\ufffe\uffff]/gu, '');
const text = (max: number) => z.string().overwrite(stripControls).trim().min(1, 'required').max(max);
const optionalText = (max: number) => z.string().overwrite(stripControls).trim().max(max).optional();
const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with its offset' });
/** A code (HL7 `cs`: no spaces) and its label. */
const coded = z.strictObject({
  code: text(64).regex(/^\S+$/, 'a code without spaces'),
  label: text(200),
});
/** A code of a CI-SIS value set the CDA header is checked against. */
const codedIn = (codes: readonly string[], name: string) =>
  z.strictObject({
    code: z.enum(codes as [string, ...string[]], `a code of ${name}`),
    label: text(200),
  });

/**
 * Civilité (JDV_J245_Civilite_CISIS) and title (JDV_J246_Titre_CISIS), the only values the ANS
 * schematron admits in a CDA name, with the forms the practice prints (« Dr », « Mme »…).
 */
export const CIVILITY_CODES = { M: 'M', 'M.': 'M', MME: 'MME', Mme: 'MME' } as const;
export const TITLE_CODES = {
  DR: 'DR',
  Dr: 'DR',
  PR: 'PR',
  Pr: 'PR',
  MC: 'MC',
  MG: 'MG',
  PC: 'PC',
  PG: 'PG',
} as const;
const civilityOrTitle = z.enum([...Object.keys(CIVILITY_CODES), ...Object.keys(TITLE_CODES)] as [
  string,
  ...string[],
]);
const title = z.enum(Object.keys(TITLE_CODES) as [string, ...string[]]);

/** RPPS: 11 digits (identifiant national `8` + RPPS in the CDA). */
const rpps = z.string().regex(/^\d{11}$/, 'RPPS: 11 digits');
/** ADELI: 9 characters (identifiant national `0` + ADELI in the CDA). */
const adeli = z.string().regex(ADELI_PATTERN, 'ADELI: 9 characters (department then 7 digits)');

const personNames = {
  familyName: text(100),
  givenName: optionalText(100),
  /** Civilité (J245: M, MME) or title (J246: DR, PR…), or their printed forms (Dr, Mme…). */
  prefix: civilityOrTitle.optional(),
  /** Title (J246: DR, PR…). */
  suffix: title.optional(),
};

/** A health professional who signs, known by RPPS. */
const professional = z.strictObject({ rpps, ...personNames });

/**
 * The referring professional: by RPPS, by ADELI, or by name only (a referrer the practice knows
 * by name). The CDA names them with the national id when there is one (RPPS first).
 */
const referrer = z.strictObject({
  rpps: rpps.optional(),
  adeli: adeli.optional(),
  ...personNames,
  specialty: optionalText(100),
});

export const IDENTITY_STATUSES = ['provisoire', 'recuperee', 'validee', 'qualifiee'] as const;
export const INS_OIDS = {
  '1.2.250.1.213.1.4.8': 'INS-NIR',
  '1.2.250.1.213.1.4.9': 'INS-NIA',
  '1.2.250.1.213.1.4.10': 'INS-NIR de test',
  '1.2.250.1.213.1.4.11': 'INS-NIR de démonstration',
} as const;

const patient = z
  .strictObject({
    identityStatus: z.enum(IDENTITY_STATUSES),
    /** Only with a qualified identity: the INS goes out then, never otherwise. */
    ins: z
      .strictObject({
        matricule: z.string().superRefine((v, ctx) => {
          const check = checkMatricule(v);
          if (!check.valid) ctx.addIssue({ code: 'custom', message: `matricule INS: ${check.message}` });
        }),
        oid: z.enum(Object.keys(INS_OIDS) as [keyof typeof INS_OIDS]),
      })
      .optional(),
    /** The practice's own patient id (IPP) and the OID of its assigning authority. */
    localId: z.strictObject({ root: oid, extension: text(64) }).optional(),
    birthFamilyName: text(100),
    firstBirthForename: text(100),
    /** Every birth forename, space separated, as on the birth certificate. */
    birthForenames: text(200),
    usedFamilyName: optionalText(100),
    usedForename: optionalText(100),
    birthDate: z.iso.date('a date YYYY-MM-DD'),
    sex: z.enum(['F', 'M', 'U']),
    /** COG code of the birth place (5 characters; 99xxx abroad). */
    birthPlaceCode: z
      .string()
      .regex(/^(\d{5}|2[AB]\d{3})$/, 'a COG code (5 characters)')
      .optional(),
    birthPlaceName: optionalText(100),
  })
  .superRefine((p, ctx) => {
    if (p.identityStatus !== 'qualifiee' && p.ins) {
      ctx.addIssue({
        code: 'custom',
        path: ['ins'],
        message: 'the INS goes into a document only when the identity is qualified',
      });
    }
    if (p.ins && p.sex === 'U') {
      ctx.addIssue({ code: 'custom', path: ['sex'], message: 'an INS identity is of sex F or M' });
    }
    if (!p.localId && !(p.identityStatus === 'qualifiee' && p.ins)) {
      ctx.addIssue({
        code: 'custom',
        path: ['localId'],
        message:
          'the patient needs an identifier in the document: the local id (IPP) when the INS does not go out',
      });
    }
    // The INS traits are written in the INSi alphabet (capitals, space, hyphen, apostrophe), as
    // the INS DataMatrix carries them: a name with nothing of that alphabet is no INS trait.
    if (p.ins) {
      for (const field of ['birthFamilyName', 'birthForenames'] as const) {
        if (!insNameCharacters(p[field])) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: 'an INS trait is written in capitals (A-Z, space, hyphen, apostrophe): none here',
          });
        }
      }
    }
    if (p.ins && !p.birthPlaceCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['birthPlaceCode'],
        message: 'the INS traits include the birth place',
      });
    }
  });

export const MODALITIES = ['CR', 'DX', 'MG', 'CT', 'MR', 'US', 'NM', 'PT', 'RF', 'XA'] as const;

const exam = z
  .strictObject({
    studyInstanceUid: oid,
    accessionNumber: text(16),
    label: text(200),
    /** Exam code from JDV_CodesDocumentImagerie_CISIS (LOINC). */
    loinc: coded.optional(),
    ccam: coded.optional(),
    modality: z.enum(MODALITIES),
    /** Regions from JDV_RegionAnatomique_CISIS (SNOMED CT). */
    regions: z.array(coded).max(10).default([]),
    startedAt: instant,
    endedAt: instant.optional(),
  })
  .refine((e) => !e.endedAt || Date.parse(e.endedAt) >= Date.parse(e.startedAt), {
    path: ['endedAt'],
    message: 'the end of the exam comes after its start',
  });

const address = z.strictObject({
  lines: z.array(text(200)).max(3).default([]),
  postalCode: text(10),
  city: text(100),
});

export const PRACTICE_SETTINGS = ['AMBULATOIRE', 'ETABLISSEMENT'] as const;

/** Identifiant national de structure: `1` + FINESS, or `3` + SIRET. */
const structureIdNat = z
  .string()
  .regex(/^(1\d{9}|1\d{8}[0-9AB]|1\d[AB]\d{7}|3\d{14})$/, 'IdNat structure: 1 + FINESS or 3 + SIRET');

const organisation = z.strictObject({
  name: text(200),
  /**
   * Identifiant national de structure of the place the exam was done: `1` + FINESS
   * géographique (EG) of the site, else `1` + FINESS or `3` + SIRET of the practice.
   */
  idNat: structureIdNat,
  /**
   * The legal entity (entité juridique, EJ) the site belongs to, when it has its own FINESS
   * juridique: `1` + FINESS EJ. Carried as the organisation's `asOrganizationPartOf`.
   */
  legalEntity: z.strictObject({ idNat: structureIdNat, name: text(200) }).optional(),
  address,
  phone: optionalText(30),
  /** JDV_J02 (healthcareFacilityTypeCode), e.g. SA07 cabinet individuel, SA08 cabinet de groupe. */
  facilityType: codedIn(J02_HEALTHCARE_FACILITY_TYPE, 'JDV_J02_XdsHealthcareFacilityTypeCode_CISIS').default({
    code: 'SA08',
    label: 'Cabinet de groupe',
  }),
  practiceSetting: z.enum(PRACTICE_SETTINGS).default('AMBULATOIRE'),
  /** Letterhead lines printed at the top of each page, under the name. */
  letterhead: z.array(text(200)).max(6).default([]),
  /** The practice's RGPD mentions, printed at the bottom of the last page. */
  rgpdNotice: optionalText(2000),
});

export const reportDocumentInput = z
  .strictObject({
    /** Where the editor finds this schema (ignored). */
    $schema: z.string().optional(),
    document: z.strictObject({
      /** This version's unique id (OID or UUID). */
      id: uid,
      /** The id shared by every version of the report. */
      setId: uid,
      version: z.number().int().min(1).max(999),
      /** The id of the version this one replaces (version > 1). */
      replaces: uid.optional(),
      title: text(200).default("Compte rendu d'imagerie médicale"),
      effectiveTime: instant,
      confidentiality: z.enum(['N', 'R', 'V']).default('N'),
    }),
    organisation,
    patient,
    exams: z.array(exam).min(1, 'at least one exam').max(20),
    order: z
      .strictObject({
        placerOrderNumber: text(64),
        placerAuthority: oid,
      })
      .optional(),
    /** OID under which the practice assigns accession numbers. */
    accessionAuthority: oid,
    referrer: referrer.optional(),
    radiologist: professional.extend({
      /** J01 profession/specialty; radiologists: G15_10/SM44. */
      specialty: codedIn(J01_XDS_AUTHOR_SPECIALTY, 'JDV_J01_XdsAuthorSpecialty_CISIS').default({
        code: 'G15_10/SM44',
        label: 'Médecin - Radio-diagnostic (SM)',
      }),
    }),
    validatedAt: instant,
    report: z.strictObject({
      /** Plain text; blank lines separate paragraphs. */
      text: z.string().min(1, 'required').max(2_000_000),
    }),
  })
  .superRefine((d, ctx) => {
    if (d.document.version > 1 && !d.document.replaces) {
      ctx.addIssue({
        code: 'custom',
        path: ['document', 'replaces'],
        message: 'a version after the first names the version it replaces',
      });
    }
    if (d.document.version === 1 && d.document.replaces) {
      ctx.addIssue({
        code: 'custom',
        path: ['document', 'replaces'],
        message: 'a first version replaces nothing',
      });
    }
  });

export type ReportDocumentInput = z.input<typeof reportDocumentInput>;
export type ReportDocument = z.output<typeof reportDocumentInput>;

export class DocumentInputError extends Error {
  readonly issues: { path: string; message: string }[];
  constructor(issues: { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path || '(document)'}: ${i.message}`).join('\n'));
    this.name = 'DocumentInputError';
    this.issues = issues;
  }
}

/** Checks a description; the error names every wrong field by its path (`patient.ins.matricule`). */
export function parseReportDocument(value: unknown): ReportDocument {
  const result = reportDocumentInput.safeParse(value);
  if (result.success) return result.data;
  throw new DocumentInputError(
    result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

/** The input format as JSON Schema (draft 2020-12), for integrators. */
export function reportDocumentJsonSchema(): unknown {
  return z.toJSONSchema(reportDocumentInput, { io: 'input', unrepresentable: 'any' });
}
