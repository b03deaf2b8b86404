import {
  checkMatricule,
  IDENTITY_DOCUMENT_TYPES,
  OLDEST_BIRTH_DATE,
  strictTraitProblems,
  type StrictTrait,
  type StrictTraitProblem,
} from '@rayon/domain';
import { z } from 'zod';

/**
 * Input schemas of the patients area, shared by tRPC, the public REST API and the portal, with the
 * French sentence of each refusal (the RNIV's official terms). The rules of the strict traits live
 * in the domain (`strictTraitProblems`): the schema applies them and words their refusal.
 */

const TOO_LONG = 'Valeur trop longue.';

/** The official name of each strict trait, as a refusal names it. */
const TRAIT_NAMES: Record<StrictTrait, string> = {
  birthFamilyName: 'le nom de naissance',
  firstBirthForename: 'le premier prénom de naissance',
  birthForenames: 'la liste des prénoms de naissance',
  birthDate: 'la date de naissance',
  sex: 'le sexe',
  birthPlaceCode: 'le code officiel géographique (COG) du lieu de naissance',
};

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const frenchDay = (iso: string) => iso.split('-').reverse().join('/');

/** The French sentence of a strict trait that breaks one of the domain's rules. */
export function strictTraitRefusal(problem: Pick<StrictTraitProblem, 'trait' | 'rule'>): string {
  const name = TRAIT_NAMES[problem.trait];
  switch (problem.rule) {
    case 'required':
      return problem.trait === 'sex' ? 'Choisissez le sexe.' : `Indiquez ${name}.`;
    case 'letters':
      return `${capitalised(name)} ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.`;
    case 'date':
      return 'La date de naissance doit être une date du calendrier (JJ/MM/AAAA).';
    case 'future':
      return 'La date de naissance ne peut pas être dans le futur.';
    case 'too_old':
      return `La date de naissance ne peut pas être antérieure au ${frenchDay(OLDEST_BIRTH_DATE)}.`;
    case 'sex':
      return 'Le sexe est Féminin, Masculin ou Indéterminé.';
    case 'birth_place':
      return 'Le code officiel géographique (COG) du lieu de naissance compte 5 caractères, par exemple 63220, 2B020 ou 99134 pour un pays étranger.';
  }
}

const missing = (trait: StrictTrait) => strictTraitRefusal({ trait, rule: 'required' });

/** A strict trait's text: its absence and its length are refused here, its rules by the domain. */
const traitText = (trait: StrictTrait, max: number) => z.string(missing(trait)).trim().max(max, TOO_LONG);

/**
 * Strict traits as typed at the desk. Every rule the domain finds broken is refused at once, each
 * on its own field, even when another field is missing or of the wrong type.
 */
export const traitsInput = z
  .strictObject({
    birthFamilyName: traitText('birthFamilyName', 100),
    firstBirthForename: traitText('firstBirthForename', 100),
    birthForenames: traitText('birthForenames', 300).nullish(),
    birthDate: z
      .string(missing('birthDate'))
      .trim()
      .max(10, strictTraitRefusal({ trait: 'birthDate', rule: 'date' })),
    sex: z.enum(['M', 'F', 'U'], {
      error: (issue) =>
        issue.input === undefined ? missing('sex') : strictTraitRefusal({ trait: 'sex', rule: 'sex' }),
    }),
    birthPlaceCode: z
      .string()
      .trim()
      .max(5, strictTraitRefusal({ trait: 'birthPlaceCode', rule: 'birth_place' }))
      .nullish(),
  })
  .superRefine(
    (traits, ctx) => {
      for (const problem of strictTraitProblems(traits, new Date()).problems) {
        ctx.addIssue({ code: 'custom', path: [problem.trait], message: strictTraitRefusal(problem) });
      }
    },
    // Also when a field is missing or of the wrong type: the person corrects every field in one go.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export const complementaryInput = z.strictObject({
  usedFamilyName: z.string().trim().max(100, TOO_LONG).nullish(),
  usedForename: z.string().trim().max(100, TOO_LONG).nullish(),
});

/** A local identifier (IPP) and the authority that assigned it: one goes with the other. */
export const identifierInput = z.strictObject({
  authority: z
    .string("Indiquez l'autorité qui a attribué cet IPP.")
    .trim()
    .min(1, "Indiquez l'autorité qui a attribué cet IPP.")
    .max(200, TOO_LONG),
  value: z.string("Indiquez l'IPP.").trim().min(1, "Indiquez l'IPP.").max(100, TOO_LONG),
});

/** The French sentence of a matricule INS the domain refuses. */
const MATRICULE_REFUSALS = {
  length: 'Le matricule INS compte 15 caractères (NIR ou NIA avec sa clé).',
  format:
    'Ce n’est pas un matricule INS : sexe 1, 2, 3, 4, 7 ou 8, mois, département (2A ou 2B pour la Corse).',
  key: 'La clé du matricule INS ne correspond pas : vérifiez la saisie.',
} as const;

export const searchInput = z.strictObject({
  name: z.string().trim().max(200, TOO_LONG).optional(),
  birthDate: z.iso.date(strictTraitRefusal({ trait: 'birthDate', rule: 'date' })).optional(),
  /** Matricule INS (NIR or NIA with its key; Corsica 2A/2B at positions 6-7; spaces allowed). */
  ins: z
    .string()
    .trim()
    .max(30, MATRICULE_REFUSALS.length)
    .superRefine((value, ctx) => {
      const check = checkMatricule(value);
      if (!check.valid) ctx.addIssue({ code: 'custom', message: MATRICULE_REFUSALS[check.reason] });
    })
    .optional(),
  ipp: z.string().trim().min(1, "Indiquez l'IPP.").max(100, TOO_LONG).optional(),
});

export const idVersion = { id: z.uuid(), version: z.number().int().min(1) };
export const documentType = z.enum(IDENTITY_DOCUMENT_TYPES, "Choisissez le type de pièce d'identité.");

/** The identity document checked at the desk (validates or qualifies the identity). */
export const recordDocumentInput = z.strictObject({
  ...idVersion,
  type: documentType,
  guardianDocumentChecked: z.boolean().optional(),
});

export const createPatientInput = z.strictObject({
  traits: traitsInput,
  complementary: complementaryInput.optional(),
  identifiers: z.array(identifierInput).max(20).optional(),
});

export const mergeInput = z.strictObject({
  survivorId: z.uuid(),
  absorbedId: z.uuid(),
  confirm: z.literal(true, { message: 'Confirmez la fusion des deux dossiers.' }),
});
