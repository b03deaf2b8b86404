/**
 * Who may see a validated report (CI-SIS « Transmission de documents CDA en HL7v2 », table
 * MetaDMPMSS and its MSSanté matrix; DMP TRE_A07 visibility codes): the radiologist chooses at
 * validation « Masqué aux professionnels de santé » (MASQUE_PS), « Non visible par les
 * représentants légaux » (INVISIBLE_REP_LEGAUX, a minor patient only) and « Connexion secrète »
 * (the DMP transaction carries the VIHF confidentiality-code); the announcement keeps the report
 * invisible to the patient (INVISIBLE_PATIENT) until it is recorded. Pure rules: which choices go
 * together, and what each destination receives.
 */
import { AppError } from '../shared/errors.ts';
import { ageOn } from '../identity/traits.ts';

/** The choices made at validation (stored on the version, never changed afterwards). */
export interface VisibilityChoice {
  maskedFromProfessionals: boolean;
  hiddenFromLegalRepresentatives: boolean;
  secretConnection: boolean;
}

export const NO_VISIBILITY_RESTRICTION: VisibilityChoice = {
  maskedFromProfessionals: false,
  hiddenFromLegalRepresentatives: false,
  secretConnection: false,
};

export const VISIBILITY_LABELS: Record<keyof VisibilityChoice, string> = {
  maskedFromProfessionals: 'Masqué aux professionnels de santé',
  hiddenFromLegalRepresentatives: 'Non visible par les représentants légaux',
  secretConnection: 'Connexion secrète',
};

/** The facts the choices are judged against. */
export interface VisibilityContext {
  /** The patient's birth date (YYYY-MM-DD) and the Paris day of the validation. */
  birthDate: string;
  today: string;
  /** The announcement is required and not recorded yet: the patient does not see the report. */
  announcementPending: boolean;
  /** The practice feeds the DMP. */
  dmp: boolean;
}

export interface VisibilityProblem {
  field: keyof VisibilityChoice;
  /** Stable reason key (the portal translates it). */
  reason:
    | 'legal_representatives_minor_only'
    | 'secret_connection_minor_only'
    | 'secret_connection_needs_legal_representatives'
    | 'secret_connection_needs_dmp'
    | 'masked_with_secret_connection'
    | 'masked_while_hidden_from_patient';
  message: string;
}

/** Under 18 on the day of the validation. */
export const isMinorOn = (birthDate: string, today: string) => ageOn(birthDate, today) < 18;

/**
 * The combinations refused at validation, each naming its field:
 * - INVISIBLE_REP_LEGAUX only for a minor patient (only a minor has legal representatives who
 *   see their DMP).
 * - MASQUE_PS=Y only with CONNEXION_SECRETE=N and INVISIBLE_PATIENT=N: the matrix's only row with
 *   MASQUE_PS=Y (« patient seul ») has both at N; a document masked to professionals and
 *   invisible to the patient would be seen by nobody.
 * - CONNEXION_SECRETE=Y only with the DMP: the matrix's only row without the DMP has it at N
 *   (a « connexion secrète » is a DMP transaction).
 * - Hypothesis: the « connexion secrète » is the minor's secret access (the VIHF then carries
 *   INVISIBLE_REPRESENTANTS_LEGAUX, the only value the DMP handles, national-services.md §1.2),
 *   so it is refused for an adult and requires « Non visible par les représentants légaux »
 *   (as the ANS Ségur example MDM_CR_Radio_INIT_N1 has them together).
 */
export function visibilityProblems(choice: VisibilityChoice, ctx: VisibilityContext): VisibilityProblem[] {
  const problems: VisibilityProblem[] = [];
  const minor = isMinorOn(ctx.birthDate, ctx.today);
  if (choice.hiddenFromLegalRepresentatives && !minor) {
    problems.push({
      field: 'hiddenFromLegalRepresentatives',
      reason: 'legal_representatives_minor_only',
      message: 'hiddenFromLegalRepresentatives: only for a minor patient',
    });
  }
  if (choice.maskedFromProfessionals && choice.secretConnection) {
    problems.push({
      field: 'maskedFromProfessionals',
      reason: 'masked_with_secret_connection',
      message:
        'maskedFromProfessionals: a document masked from professionals cannot be sent in a secret connection',
    });
  }
  if (choice.maskedFromProfessionals && ctx.announcementPending) {
    problems.push({
      field: 'maskedFromProfessionals',
      reason: 'masked_while_hidden_from_patient',
      message:
        'maskedFromProfessionals: the report is invisible to the patient until the announcement; masked from professionals too, nobody would see it',
    });
  }
  if (choice.secretConnection) {
    if (!minor) {
      problems.push({
        field: 'secretConnection',
        reason: 'secret_connection_minor_only',
        message: 'secretConnection: only for a minor patient',
      });
    } else if (!choice.hiddenFromLegalRepresentatives) {
      problems.push({
        field: 'secretConnection',
        reason: 'secret_connection_needs_legal_representatives',
        message: 'secretConnection: the document must also be hidden from the legal representatives',
      });
    }
    if (!ctx.dmp) {
      problems.push({
        field: 'secretConnection',
        reason: 'secret_connection_needs_dmp',
        message:
          'secretConnection: a secret connection is a DMP transaction and this practice does not feed the DMP',
      });
    }
  }
  return problems;
}

/** French wording of each refusal, for the portal. */
export const VISIBILITY_PROBLEM_LABELS: Record<VisibilityProblem['reason'], string> = {
  legal_representatives_minor_only:
    '« Non visible par les représentants légaux » ne concerne qu’un patient mineur.',
  secret_connection_minor_only: 'La connexion secrète ne concerne qu’un patient mineur.',
  secret_connection_needs_legal_representatives:
    'En connexion secrète, le document doit aussi être non visible par les représentants légaux.',
  secret_connection_needs_dmp:
    'La connexion secrète est une transaction DMP : ce cabinet n’alimente pas le DMP.',
  masked_with_secret_connection:
    'Un document masqué aux professionnels de santé ne peut pas être envoyé en connexion secrète.',
  masked_while_hidden_from_patient:
    'Le compte rendu reste invisible au patient jusqu’à l’annonce : masqué aux professionnels, personne ne le verrait.',
};

/** The first refusal as a BAD_INPUT naming its field, or nothing. */
export function assertVisibility(choice: VisibilityChoice, ctx: VisibilityContext): void {
  const [problem] = visibilityProblems(choice, ctx);
  if (problem) {
    throw new AppError('BAD_INPUT', problem.message, {
      field: problem.field,
      reason: `reporting.visibility.${problem.reason}`,
    });
  }
}

/**
 * The DMP visibility codes (TRE_A07, extra confidentialityCode classifications) and the PFI's
 * MetaDMPMSS flags of one version at one moment: the choices, plus INVISIBLE_PATIENT while the
 * announcement is pending.
 */
export interface DocumentVisibility {
  masquePs: boolean;
  invisiblePatient: boolean;
  invisibleRepresentantsLegaux: boolean;
  connexionSecrete: boolean;
}

export function documentVisibility(choice: VisibilityChoice, hiddenFromPatient: boolean): DocumentVisibility {
  return {
    masquePs: choice.maskedFromProfessionals,
    invisiblePatient: hiddenFromPatient,
    invisibleRepresentantsLegaux: choice.hiddenFromLegalRepresentatives,
    connexionSecrete: choice.secretConnection,
  };
}
