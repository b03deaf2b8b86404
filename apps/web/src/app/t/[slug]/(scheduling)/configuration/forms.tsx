'use client';

import { ISO_WEEKDAY_LABELS, ISO_WEEKDAYS, MODALITY_TYPES } from '@rayon/domain';
import { useActionState } from 'react';
import { ConfirmButton } from '../../../../../components/confirm-button.tsx';
import { Field, FormError, FormNotice, LinesField, SelectField } from '../../../../../components/form.tsx';
import {
  modalityTypeLabel,
  openingHoursText,
  type OpeningHoursValue,
} from '../../../../../lib/scheduling.ts';
import {
  createExamTypeAction,
  createModalityAction,
  createReferrerAction,
  createRoomAction,
  modalityLifecycleAction,
  setModalityCallersAction,
  setOpeningHoursAction,
  updateReferrerAction,
} from './actions.ts';
import { INITIAL_CONFIG_STATE, type ConfigFormState } from './state.ts';

type Options = { value: string; label: string }[];

const MODALITY_TYPE_OPTIONS = MODALITY_TYPES.map((t) => ({ value: t, label: modalityTypeLabel(t) }));

/** The usual week of a new modality: Monday to Friday, 08:00–12:00 and 13:30–18:00. */
const DEFAULT_HOURS: OpeningHoursValue = Object.fromEntries(
  (['1', '2', '3', '4', '5'] as const).map((d) => [
    d,
    [
      ['08:00', '12:00'],
      ['13:30', '18:00'],
    ],
  ]),
);

function useConfigForm(action: (s: ConfigFormState, f: FormData) => Promise<ConfigFormState>) {
  const [state, formAction, pending] = useActionState<ConfigFormState, FormData>(
    action,
    INITIAL_CONFIG_STATE,
  );
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

export function RoomForm({ slug, sites }: { slug: string; sites: Options }) {
  const { state, formAction, pending, v } = useConfigForm(createRoomAction.bind(null, slug));
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <div className="field-row">
        <SelectField
          name="siteId"
          label="Site"
          options={sites}
          defaultValue={v('siteId', sites[0]?.value ?? '')}
          error={state.errors.siteId}
        />
        <Field name="name" label="Nom de la salle" defaultValue={v('name')} error={state.errors.name} />
      </div>
      <Submit pending={pending}>Ajouter la salle</Submit>
    </form>
  );
}

/** Opening hours, one line per weekday: « 08:00-12:00, 13:30-18:00 », empty when closed. */
function HoursFields({
  hours,
  values,
  errors,
}: {
  hours: OpeningHoursValue;
  values: Record<string, string> | null;
  errors: Record<string, string>;
}) {
  return (
    <fieldset>
      <legend>Horaires d'ouverture</legend>
      <p className="muted fieldset-intro">
        Heure de Paris. Plusieurs plages séparées par des virgules (08:00-12:00, 13:30-18:00) ; laissez vide
        un jour de fermeture.
      </p>
      <div className="hours-grid">
        {ISO_WEEKDAYS.map((d) => (
          <Field
            key={d}
            name={`hours.${d}`}
            label={ISO_WEEKDAY_LABELS[d]}
            defaultValue={values?.[`hours.${d}`] ?? openingHoursText(hours[d])}
            error={errors[`hours.${d}`]}
            placeholder="Fermé"
            optional
          />
        ))}
      </div>
    </fieldset>
  );
}

const CALLING_AE_HINT =
  'Les titres AE que la modalité présente comme appelant (Calling AE). Toute autre association est refusée.';
const SOURCES_HINT =
  'Adresses IP ou plages CIDR d’où la modalité se connecte, ex. 10.20.1.15 ou 10.20.1.0/24.';

export function ModalityForm({ slug, rooms }: { slug: string; rooms: Options }) {
  const { state, formAction, pending, v } = useConfigForm(createModalityAction.bind(null, slug));
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <div className="field-row">
        <SelectField
          name="roomId"
          label="Salle"
          options={rooms}
          placeholder="Choisir…"
          defaultValue={v('roomId')}
          error={state.errors.roomId}
        />
        <Field name="name" label="Nom de la modalité" defaultValue={v('name')} error={state.errors.name} />
      </div>
      <div className="field-row">
        <SelectField
          name="type"
          label="Type"
          options={MODALITY_TYPE_OPTIONS}
          placeholder="Choisir…"
          defaultValue={v('type')}
          error={state.errors.type}
        />
        <Field
          name="aeTitle"
          label="Titre AE (DICOM)"
          hint="Le titre AE que la modalité présente pour interroger la liste de travail (16 caractères au plus)."
          defaultValue={v('aeTitle')}
          error={state.errors.aeTitle}
          autoComplete="off"
        />
      </div>
      <div className="field-row">
        <LinesField
          name="callingAeTitles"
          label="AE appelants"
          hint={CALLING_AE_HINT}
          value={v('callingAeTitles')}
          error={state.errors.callingAeTitles}
        />
        <LinesField
          name="allowedSources"
          label="Adresses autorisées"
          hint={SOURCES_HINT}
          value={v('allowedSources')}
          error={state.errors.allowedSources}
          perLine="une par ligne"
        />
      </div>
      <HoursFields hours={DEFAULT_HOURS} values={state.values} errors={state.errors} />
      <Submit pending={pending}>Ajouter la modalité</Submit>
    </form>
  );
}

export function OpeningHoursForm({
  slug,
  id,
  hours,
}: {
  slug: string;
  id: string;
  hours: OpeningHoursValue;
}) {
  const { state, formAction, pending } = useConfigForm(setOpeningHoursAction.bind(null, { slug, id }));
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <HoursFields hours={hours} values={state.values} errors={state.errors} />
      <Submit pending={pending}>Enregistrer les horaires</Submit>
    </form>
  );
}

export function ExamTypeForm({ slug }: { slug: string }) {
  const { state, formAction, pending, v } = useConfigForm(createExamTypeAction.bind(null, slug));
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <Field name="label" label="Libellé" defaultValue={v('label')} error={state.errors.label} />
      <div className="field-row">
        <SelectField
          name="modalityType"
          label="Type de modalité"
          options={MODALITY_TYPE_OPTIONS}
          placeholder="Choisir…"
          defaultValue={v('modalityType')}
          error={state.errors.modalityType}
        />
        <Field
          name="durationMinutes"
          label="Durée (minutes)"
          type="number"
          min={5}
          max={480}
          step={5}
          defaultValue={v('durationMinutes', '15')}
          error={state.errors.durationMinutes}
        />
        <Field
          name="ccamCode"
          label="Code CCAM"
          hint="4 lettres et 3 chiffres, ex. ZBQK002"
          defaultValue={v('ccamCode')}
          error={state.errors.ccamCode}
          autoComplete="off"
          optional
        />
      </div>
      <div className="field-row">
        <Field
          name="loincCode"
          label="Code LOINC de l'examen"
          hint="Jeu de valeurs CodesDocumentImagerie du CI-SIS, ex. 24627-2 ; repris dans le CDA"
          defaultValue={v('loincCode')}
          error={state.errors.loincCode}
          autoComplete="off"
          optional
        />
        <Field
          name="loincLabel"
          label="Libellé LOINC"
          hint="ex. CT Chest"
          defaultValue={v('loincLabel')}
          error={state.errors.loincLabel}
          optional
        />
      </div>
      <Field
        name="preparation"
        label="Préparation du patient"
        hint="Consignes données au patient à la prise de rendez-vous (à jeun, vessie pleine…)."
        defaultValue={v('preparation')}
        error={state.errors.preparation}
        optional
      />
      <Submit pending={pending}>Ajouter au catalogue</Submit>
    </form>
  );
}

/** What the referrer form shows of a saved referrer (editing). */
export interface ReferrerValues {
  id: string;
  rpps: string | null;
  adeli: string | null;
  familyName: string;
  givenName: string | null;
  specialty: string | null;
  mssanteAddress: string | null;
}

/**
 * A referrer, new or edited: by RPPS, by ADELI (professions not yet in the RPPS), or by name only;
 * the reports name them all.
 */
export function ReferrerForm({ slug, referrer }: { slug: string; referrer?: ReferrerValues }) {
  const { state, formAction, pending, v } = useConfigForm(
    referrer
      ? updateReferrerAction.bind(null, { slug, id: referrer.id })
      : createReferrerAction.bind(null, slug),
  );
  const saved = (name: keyof Omit<ReferrerValues, 'id'>) => v(name, referrer?.[name] ?? '');
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <div className="field-row">
        <Field
          name="familyName"
          label="Nom"
          defaultValue={saved('familyName')}
          error={state.errors.familyName}
        />
        <Field
          name="givenName"
          label="Prénom"
          defaultValue={saved('givenName')}
          error={state.errors.givenName}
          optional
        />
      </div>
      <div className="field-row">
        <Field
          name="rpps"
          label="Numéro RPPS"
          hint="11 chiffres"
          inputMode="numeric"
          defaultValue={saved('rpps')}
          error={state.errors.rpps}
          autoComplete="off"
          optional
        />
        <Field
          name="adeli"
          label="Numéro ADELI"
          hint="9 caractères, pour une profession sans RPPS"
          defaultValue={saved('adeli')}
          error={state.errors.adeli}
          autoComplete="off"
          optional
        />
      </div>
      <div className="field-row">
        <Field
          name="specialty"
          label="Spécialité"
          defaultValue={saved('specialty')}
          error={state.errors.specialty}
          optional
        />
        <Field
          name="mssanteAddress"
          label="Adresse MSSanté"
          type="email"
          defaultValue={saved('mssanteAddress')}
          error={state.errors.mssanteAddress}
          optional
        />
      </div>
      <p className="small muted">
        Sans RPPS ni ADELI, le prescripteur figure par son nom dans les comptes rendus et leurs envois.
      </p>
      <Submit pending={pending}>{referrer ? 'Enregistrer' : 'Ajouter le prescripteur'}</Submit>
    </form>
  );
}

/** Who may speak DICOM for a modality: calling AE titles, addresses, client certificates. */
export function CallersForm({
  slug,
  id,
  callers,
}: {
  slug: string;
  id: string;
  callers: { callingAeTitles: string[]; allowedSources: string[]; clientCertFingerprints: string[] };
}) {
  const { state, formAction, pending, v } = useConfigForm(setModalityCallersAction.bind(null, { slug, id }));
  // Remounted when the saved callers change, so the fields show what was saved.
  const saved = [callers.callingAeTitles, callers.allowedSources, callers.clientCertFingerprints].join('|');
  return (
    <form action={formAction} className="form" key={`${state.attempt}:${saved}`} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <LinesField
        name="callingAeTitles"
        label="AE appelants"
        hint={CALLING_AE_HINT}
        value={v('callingAeTitles', callers.callingAeTitles.join('\n'))}
        scope={id}
        error={state.errors.callingAeTitles}
      />
      <LinesField
        name="allowedSources"
        label="Adresses autorisées"
        hint={SOURCES_HINT}
        value={v('allowedSources', callers.allowedSources.join('\n'))}
        scope={id}
        error={state.errors.allowedSources}
        perLine="une par ligne"
      />
      <LinesField
        name="clientCertFingerprints"
        label="Empreintes de certificat"
        hint="Empreintes SHA-256 des certificats clients de la modalité (openssl x509 -noout -fingerprint -sha256). Si vous en indiquez, la modalité doit se connecter en DICOM TLS avec l’un d’eux."
        value={v('clientCertFingerprints', callers.clientCertFingerprints.join('\n'))}
        scope={id}
        error={state.errors.clientCertFingerprints}
        rows={2}
        perLine="une par ligne"
      />
      <Submit pending={pending}>Enregistrer les appelants</Submit>
    </form>
  );
}

/** « Retirer » / « Remettre en service » and « Supprimer » a modality, with their refusals. */
export function ModalityActions({
  slug,
  id,
  name,
  retired,
}: {
  slug: string;
  id: string;
  name: string;
  retired: boolean;
}) {
  const lifecycle = useConfigForm(
    modalityLifecycleAction.bind(null, { slug, id, op: retired ? 'reactivate' : 'retire' }),
  );
  const removal = useConfigForm(modalityLifecycleAction.bind(null, { slug, id, op: 'delete' }));
  return (
    <div className="row-actions">
      <form action={lifecycle.formAction} className="inline-form" key={`l${lifecycle.state.attempt}`}>
        {retired ? (
          <button
            type="submit"
            className="button button--secondary button--small"
            disabled={lifecycle.pending}
          >
            Remettre en service
          </button>
        ) : (
          <ConfirmButton
            className="button button--secondary button--small"
            question={`Retirer la modalité « ${name} » ? Elle ne prendra plus de rendez-vous ni de connexion DICOM ; son historique est conservé.`}
          >
            Retirer
          </ConfirmButton>
        )}
        <FormError message={lifecycle.state.formError} />
      </form>
      <form action={removal.formAction} className="inline-form" key={`d${removal.state.attempt}`}>
        <ConfirmButton
          className="button button--danger button--small"
          question={`Supprimer la modalité « ${name} » ? Possible seulement si elle n’a aucun rendez-vous ni examen réalisé ; son titre AE est libéré.`}
        >
          Supprimer
        </ConfirmButton>
        <FormError message={removal.state.formError} />
      </form>
    </div>
  );
}
