'use server';

import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { formTexts, parseForm, type FormResult } from '../../../../../lib/forms.ts';
import { inviteInput, setProfileInput, setRolesInput } from '@rayon/schemas/staff';
import {
  equipePath,
  LAST_ADMIN_MESSAGE,
  PROFILE_ROLES,
  profileOfForm,
  readRoles,
  SELF_DEACTIVATION_MESSAGE,
  SELF_SECOND_FACTOR_MESSAGE,
  SHARED_ACCOUNT_SECOND_FACTOR_MESSAGE,
  STAFF_FORM_FIELDS,
  staffFieldError,
  type StaffInvitation,
} from '../../../../../lib/staff.ts';
import { apiErrorInfo, type ApiClient } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';
import type { StaffFormState } from './state.ts';

type Staff = ApiClient['staff'];
type Outcome = { notice: string | null; link?: StaffFormState['link'] };

/** A call that sends nothing from a form. */
const NOTHING: FormResult<undefined> = { ok: true, data: undefined };

const PROFILE_FIELDS = ['civility', 'familyName', 'givenName', 'rpps', 'signsReports'] as const;

/**
 * Runs one staff call; refusals come back in French next to their field when the form has it
 * (`fields`), above the form otherwise. `conflict` gives the sentence of a CONFLICT that names no
 * field of the form (the last administrator, oneself).
 */
async function submit<T>(
  slug: string,
  previous: StaffFormState,
  input: {
    values?: Record<string, string>;
    roles?: string[];
    fields?: readonly string[];
    /** The form parsed by its shared schema: its French refusals, or what to send. */
    parsed: FormResult<T>;
  },
  call: (staff: Staff, data: T) => Promise<Outcome>,
  conflict?: () => string,
  forbidden?: () => string,
): Promise<StaffFormState> {
  const attempt = previous.attempt + 1;
  const values = input.values ?? {};
  const fields = input.fields ?? Object.keys(values);
  const failed = (errors: Record<string, string>, formError: string | null = null): StaffFormState => ({
    attempt,
    values,
    roles: input.roles ?? null,
    errors,
    formError,
    notice: null,
    link: null,
  });
  if (!input.parsed.ok) return failed(input.parsed.errors);
  const api = await apiForSession({ tenantSlug: slug });
  let outcome: Outcome;
  try {
    outcome = await call(api.staff, input.parsed.data);
  } catch (error) {
    const info = apiErrorInfo(error);
    const code = info?.appCode ?? info?.code;
    if (info && (code === 'BAD_INPUT' || code === 'BAD_REQUEST' || code === 'CONFLICT')) {
      const appCode = code === 'BAD_REQUEST' ? 'BAD_INPUT' : code;
      const known = info.field ? staffFieldError(info.field, appCode) : undefined;
      if (known && fields.includes(known.field)) return failed({ [known.field]: known.message });
      if (appCode === 'CONFLICT' && conflict) return failed({}, conflict());
      return failed({}, known?.message ?? sentence(frenchApiError(info)));
    }
    if (info?.code === 'FORBIDDEN' && forbidden) return failed({}, forbidden());
    if (info?.code === 'NOT_FOUND') {
      return failed({}, 'Ce membre ou cette invitation a changé entre-temps : rechargez la page.');
    }
    handleApiError(error);
  }
  revalidatePath(equipePath(slug), 'layout');
  return {
    attempt,
    values: null,
    roles: null,
    errors: {},
    formError: null,
    notice: outcome.notice,
    link: outcome.link ?? null,
  };
}

/** What the administrator is told after an invitation is made or sent again. */
function sent(
  result: { invitation: StaffInvitation; mailSent: boolean; link: string | null },
  verb: string,
): Outcome {
  const { email, sendError } = result.invitation;
  if (result.link) {
    const reason = sendError
      ? `le serveur de courriels a refusé l'envoi (${sendError})`
      : "aucun serveur d'envoi de courriels n'est configuré sur la plateforme";
    return { notice: null, link: { url: result.link, email, reason } };
  }
  return { notice: `Invitation ${verb} à ${email}.` };
}

export async function inviteAction(slug: string, previous: StaffFormState, formData: FormData) {
  const values: Record<string, string> = formTexts(formData, ['email', 'displayName', ...PROFILE_FIELDS]);
  const roles = readRoles(formData.getAll('roles').map(String));
  // The profile is asked of radiologists and residents only.
  const withProfile = roles.some((r) => PROFILE_ROLES.includes(r));
  const parsed = parseForm(
    inviteInput,
    {
      email: values.email,
      displayName: values.displayName,
      roles,
      ...(withProfile ? { profile: profileOfForm(values) } : {}),
    },
    STAFF_FORM_FIELDS,
  );
  return submit(
    slug,
    previous,
    { values, roles, fields: ['email', 'displayName', 'roles', ...PROFILE_FIELDS], parsed },
    async (staff, input) => sent(await staff.invite.mutate(input), 'envoyée'),
  );
}

export async function resendInvitationAction(
  target: { slug: string; invitationId: string },
  previous: StaffFormState,
) {
  return submit(target.slug, previous, { parsed: NOTHING }, async (staff) => {
    const outcome = sent(
      await staff.resendInvitation.mutate({ invitationId: target.invitationId }),
      'renvoyée',
    );
    return outcome.notice ? { notice: `${outcome.notice} L'ancien lien ne fonctionne plus.` } : outcome;
  });
}

export async function cancelInvitationAction(
  target: { slug: string; invitationId: string; email: string },
  previous: StaffFormState,
) {
  return submit(target.slug, previous, { parsed: NOTHING }, async (staff) => {
    await staff.cancelInvitation.mutate({ invitationId: target.invitationId });
    return { notice: `Invitation de ${target.email} annulée : son lien ne fonctionne plus.` };
  });
}

export async function setRolesAction(
  target: { slug: string; userId: string; name: string },
  previous: StaffFormState,
  formData: FormData,
) {
  const roles = readRoles(formData.getAll('roles').map(String));
  const parsed = parseForm(setRolesInput, { userId: target.userId, roles });
  return submit(
    target.slug,
    previous,
    { roles, fields: ['roles'], parsed },
    async (staff, input) => {
      await staff.setRoles.mutate(input);
      return { notice: `Rôles de ${target.name} enregistrés.` };
    },
    () => LAST_ADMIN_MESSAGE,
  );
}

export async function setProfileAction(
  target: { slug: string; userId: string; name: string },
  previous: StaffFormState,
  formData: FormData,
) {
  const values: Record<string, string> = formTexts(formData, PROFILE_FIELDS);
  const parsed = parseForm(
    setProfileInput,
    { userId: target.userId, profile: profileOfForm(values) },
    STAFF_FORM_FIELDS,
  );
  return submit(target.slug, previous, { values, parsed }, async (staff, input) => {
    await staff.setProfile.mutate(input);
    return { notice: `Profil de ${target.name} enregistré.` };
  });
}

export async function memberLifecycleAction(
  target: { slug: string; userId: string; name: string; op: 'deactivate' | 'reactivate'; self: boolean },
  previous: StaffFormState,
) {
  return submit(
    target.slug,
    previous,
    { parsed: NOTHING },
    async (staff) => {
      await staff[target.op].mutate({ userId: target.userId });
      return {
        notice:
          target.op === 'deactivate'
            ? `Compte de ${target.name} désactivé : ses sessions et ses clés d'API ont pris fin.`
            : `Compte de ${target.name} réactivé.`,
      };
    },
    () => (target.self ? SELF_DEACTIVATION_MESSAGE : LAST_ADMIN_MESSAGE),
  );
}

/** « Réinitialiser la double authentification » of a member who lost their authenticator. */
export async function resetSecondFactorAction(
  target: { slug: string; userId: string; name: string },
  previous: StaffFormState,
) {
  return submit(
    target.slug,
    previous,
    { parsed: NOTHING },
    async (staff) => {
      await staff.resetSecondFactor.mutate({ userId: target.userId });
      return {
        notice: `Double authentification de ${target.name} réinitialisée : ses sessions ont pris fin ; une nouvelle application d'authentification lui sera demandée à sa prochaine connexion si la double authentification est requise.`,
      };
    },
    () => SELF_SECOND_FACTOR_MESSAGE,
    () => SHARED_ACCOUNT_SECOND_FACTOR_MESSAGE,
  );
}
