'use client';

import type { TenantRole } from '@rayon/domain';
import { useActionState, useState } from 'react';
import { ConfirmButton } from '../../../../../components/confirm-button.tsx';
import { Field, FormError, FormNotice, SelectField } from '../../../../../components/form.tsx';
import { CIVILITIES, PROFILE_ROLES, ROLE_OPTIONS, type StaffProfile } from '../../../../../lib/staff.ts';
import {
  cancelInvitationAction,
  inviteAction,
  memberLifecycleAction,
  resetSecondFactorAction,
  resendInvitationAction,
  setProfileAction,
  setRolesAction,
} from './actions.ts';
import { INITIAL_STAFF_STATE, type StaffFormState } from './state.ts';

const CIVILITY_OPTIONS = CIVILITIES.map((c) => ({ value: c, label: c }));

function useStaffForm(action: (s: StaffFormState, f: FormData) => Promise<StaffFormState>) {
  const [state, formAction, pending] = useActionState<StaffFormState, FormData>(action, INITIAL_STAFF_STATE);
  const v = (name: string, fallback = '') => state.values?.[name] ?? fallback;
  return { state, formAction, pending, v };
}

function Submit({ pending, children }: { pending: boolean; children: string }) {
  return (
    <div className="actions">
      <button type="submit" className="button" disabled={pending}>
        {children}
      </button>
    </div>
  );
}

/** The roles, as checkboxes (several allowed), with their error. */
function RoleCheckboxes({
  scope,
  checked,
  onChange,
  error,
}: {
  scope: string;
  checked: readonly string[];
  onChange?: (roles: string[]) => void;
  error: string | undefined;
}) {
  const errorId = `${scope}-roles-error`;
  return (
    <fieldset
      className="checkboxes"
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? errorId : undefined}
    >
      <legend>
        <strong>Rôles</strong> <span className="optional">(un ou plusieurs)</span>
      </legend>
      {ROLE_OPTIONS.map((o) => (
        <label key={o.value} className="checkbox">
          <input
            type="checkbox"
            name="roles"
            value={o.value}
            defaultChecked={checked.includes(o.value)}
            onChange={(event) => {
              if (!onChange) return;
              const box = event.currentTarget;
              const boxes = box.form?.querySelectorAll<HTMLInputElement>('input[name="roles"]') ?? [];
              onChange([...boxes].filter((b) => b.checked).map((b) => b.value));
            }}
          />
          {o.label}
        </label>
      ))}
      {error ? (
        <span id={errorId} className="field-error" data-testid="error-roles" role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

/** Civility and names as printed on reports, RPPS, « Signe les comptes rendus ». */
function ProfileFields({
  scope,
  profile,
  values,
  errors,
}: {
  scope: string;
  profile: StaffProfile | null;
  values: Record<string, string> | null;
  errors: Record<string, string>;
}) {
  const v = (name: string, saved: string | null | undefined) => values?.[name] ?? saved ?? '';
  const signs = values ? values.signsReports === 'on' : (profile?.signsReports ?? false);
  return (
    <fieldset className="profile-fields">
      <legend>Profil de signataire</legend>
      <p className="muted fieldset-intro">
        Tels qu&apos;imprimés sur les comptes rendus. Un radiologue signe s&apos;il a la civilité, le nom, le
        prénom, un numéro RPPS valide et la case « Signe les comptes rendus » cochée.
      </p>
      <div className="field-row">
        <SelectField
          scope={scope}
          name="civility"
          label="Civilité"
          options={CIVILITY_OPTIONS}
          placeholder="—"
          defaultValue={v('civility', profile?.civility)}
          error={errors.civility}
          optional
        />
        <Field
          scope={scope}
          name="familyName"
          label="Nom d'exercice"
          hint="ex. DUPONT"
          defaultValue={v('familyName', profile?.familyName)}
          error={errors.familyName}
          autoComplete="off"
          optional
        />
        <Field
          scope={scope}
          name="givenName"
          label="Prénom d'exercice"
          hint="ex. Marie"
          defaultValue={v('givenName', profile?.givenName)}
          error={errors.givenName}
          autoComplete="off"
          optional
        />
      </div>
      <Field
        scope={scope}
        name="rpps"
        label="Numéro RPPS"
        hint="11 chiffres, le dernier est une clé de contrôle"
        inputMode="numeric"
        defaultValue={v('rpps', profile?.rpps)}
        error={errors.rpps}
        autoComplete="off"
        optional
      />
      <label className="checkbox">
        <input type="checkbox" name="signsReports" defaultChecked={signs} />
        Signe les comptes rendus
      </label>
    </fieldset>
  );
}

/** The link to pass on by hand when no mail went out, with the reason. */
function InvitationLink({ link }: { link: StaffFormState['link'] }) {
  if (!link) return null;
  return (
    <div className="alert alert--warning" role="status" data-testid="invitation-link-notice">
      <p>
        L&apos;invitation de <strong>{link.email}</strong> est enregistrée, mais aucun courriel n&apos;est
        parti : {link.reason}. Transmettez-lui ce lien (valable une seule fois) :
      </p>
      <p className="secret" data-testid="invitation-link">
        {link.url}
      </p>
    </div>
  );
}

export function InviteForm({ slug }: { slug: string }) {
  const { state, formAction, pending } = useStaffForm(inviteAction.bind(null, slug));
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate data-testid="invite-form">
      <FormNotice message={state.notice} />
      <InvitationLink link={state.link} />
      <FormError message={state.formError} />
      <InviteFields state={state} />
      <Submit pending={pending}>Envoyer l&apos;invitation</Submit>
    </form>
  );
}

/** The invitation's fields; the profile appears when Radiologue or Interne is ticked. */
function InviteFields({ state }: { state: StaffFormState }) {
  // Remounted with the form at each submission: a refused one comes back with what was ticked.
  const [roles, setRoles] = useState<string[]>(state.roles ?? []);
  const withProfile = roles.some((r) => PROFILE_ROLES.includes(r as TenantRole));
  const v = (name: string) => state.values?.[name] ?? '';
  return (
    <>
      <div className="field-row">
        <Field
          scope="invite"
          name="email"
          label="Adresse e-mail"
          type="email"
          defaultValue={v('email')}
          error={state.errors.email}
          autoComplete="off"
        />
        <Field
          scope="invite"
          name="displayName"
          label="Nom affiché"
          hint="ex. Dr Marie Dupont"
          defaultValue={v('displayName')}
          error={state.errors.displayName}
          autoComplete="off"
        />
      </div>
      <RoleCheckboxes scope="invite" checked={roles} onChange={setRoles} error={state.errors.roles} />
      {withProfile ? (
        <ProfileFields scope="invite" profile={null} values={state.values} errors={state.errors} />
      ) : null}
    </>
  );
}

export function RolesForm({
  slug,
  userId,
  name,
  roles,
}: {
  slug: string;
  userId: string;
  name: string;
  roles: readonly string[];
}) {
  const { state, formAction, pending } = useStaffForm(setRolesAction.bind(null, { slug, userId, name }));
  return (
    <form action={formAction} className="form" key={`${state.attempt}:${roles.join()}`} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <RoleCheckboxes scope={`roles-${userId}`} checked={state.roles ?? roles} error={state.errors.roles} />
      <Submit pending={pending}>Enregistrer les rôles</Submit>
    </form>
  );
}

export function ProfileForm({
  slug,
  userId,
  name,
  profile,
}: {
  slug: string;
  userId: string;
  name: string;
  profile: StaffProfile;
}) {
  const { state, formAction, pending } = useStaffForm(setProfileAction.bind(null, { slug, userId, name }));
  const saved = JSON.stringify(profile);
  return (
    <form action={formAction} className="form" key={`${state.attempt}:${saved}`} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <ProfileFields
        scope={`profile-${userId}`}
        profile={profile}
        values={state.values}
        errors={state.errors}
      />
      <Submit pending={pending}>Enregistrer le profil</Submit>
    </form>
  );
}

/** « Désactiver » (after confirmation) or « Réactiver » a member. */
export function MemberLifecycle({
  slug,
  userId,
  name,
  active,
  self,
}: {
  slug: string;
  userId: string;
  name: string;
  active: boolean;
  self: boolean;
}) {
  const { state, formAction } = useStaffForm(
    memberLifecycleAction.bind(null, { slug, userId, name, self, op: active ? 'deactivate' : 'reactivate' }),
  );
  return (
    <form action={formAction} className="inline-form" key={state.attempt}>
      {active ? (
        <ConfirmButton
          className="button button--danger button--small"
          question={`Désactiver le compte de ${name} dans cet établissement ? Ses sessions ouvertes et les clés d'API créées avec ce compte prennent fin immédiatement ; l'accès à l'établissement reste fermé jusqu'à la réactivation.`}
        >
          Désactiver
        </ConfirmButton>
      ) : (
        <button type="submit" className="button button--secondary button--small">
          Réactiver
        </button>
      )}
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
    </form>
  );
}

/** « Réinitialiser la double authentification » (the member lost their authenticator). */
export function SecondFactorReset({ slug, userId, name }: { slug: string; userId: string; name: string }) {
  const { state, formAction } = useStaffForm(resetSecondFactorAction.bind(null, { slug, userId, name }));
  return (
    <form action={formAction} className="inline-form" key={state.attempt}>
      <ConfirmButton
        className="button button--secondary button--small"
        question={`Réinitialiser la double authentification de ${name} ? Ses sessions prennent fin et ses codes de secours ne valent plus ; à sa prochaine connexion, une nouvelle application d'authentification lui sera demandée si la double authentification est requise.`}
      >
        Réinitialiser la double authentification
      </ConfirmButton>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
    </form>
  );
}

/** « Renvoyer » (a new link, the old one stops working) and « Annuler » an open invitation. */
export function InvitationActions({ slug, id, email }: { slug: string; id: string; email: string }) {
  const resend = useStaffForm(resendInvitationAction.bind(null, { slug, invitationId: id }));
  const cancel = useStaffForm(cancelInvitationAction.bind(null, { slug, invitationId: id, email }));
  return (
    <div className="row-actions">
      <form action={resend.formAction} className="inline-form" key={`r${resend.state.attempt}`}>
        <button
          type="submit"
          className="button button--secondary button--small"
          disabled={resend.pending}
          title="Envoie un nouveau lien ; l'ancien ne fonctionne plus."
        >
          Renvoyer
        </button>
      </form>
      <form action={cancel.formAction} className="inline-form" key={`c${cancel.state.attempt}`}>
        <ConfirmButton
          className="button button--danger button--small"
          question={`Annuler l'invitation de ${email} ? Son lien ne fonctionnera plus.`}
        >
          Annuler
        </ConfirmButton>
      </form>
      <div className="row-actions__messages">
        <FormNotice message={resend.state.notice} />
        <InvitationLink link={resend.state.link} />
        <FormError message={resend.state.formError ?? cancel.state.formError} />
      </div>
    </div>
  );
}
