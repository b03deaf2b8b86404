'use client';

import { PFI_PROFILE_LABELS, PFI_PROFILES } from '@rayon/domain';
import { useActionState, useState } from 'react';
import { Field, FormError, FormNotice } from '../../../../../../components/form.tsx';
import type { DistributionFormValues } from '../../../../../../lib/delivery.ts';
import {
  saveDistributionSettingsAction,
  type DistributionSettingsState,
} from '../../../(delivery)/comptes-rendus/envois/actions.ts';

/**
 * Where the practice's validated reports go without a click: the DMP (Mon espace santé), MSSanté to
 * the referring professional and to the patient's mailbox, and a PFI by HL7 v2 over MLLP.
 */
export function DistributionSettingsForm({
  slug,
  initial,
}: {
  slug: string;
  initial: DistributionFormValues;
}) {
  const [state, formAction, pending] = useActionState<DistributionSettingsState, FormData>(
    saveDistributionSettingsAction.bind(null, slug),
    { attempt: 0, values: null, errors: {}, formError: null, notice: null },
  );
  const v = state.values ?? initial;
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate data-testid="distribution-form">
      <DistributionFields values={v} errors={state.errors} />
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Enregistrer la diffusion
        </button>
      </div>
    </form>
  );
}

function DistributionFields({
  values,
  errors,
}: {
  values: DistributionFormValues;
  errors: Record<string, string>;
}) {
  const [mssante, setMssante] = useState(values.mssante);
  const [pfi, setPfi] = useState(values.pfi);
  return (
    <>
      <fieldset className="checkboxes">
        <legend>Destinataires</legend>
        <label className="checkbox">
          <input type="checkbox" name="dmp" defaultChecked={values.dmp} />
          Alimenter le DMP (Mon espace santé) — seulement pour les patients à l&apos;identité qualifiée
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            name="mssante"
            checked={mssante}
            onChange={(e) => setMssante(e.currentTarget.checked)}
          />
          Envoyer par MSSanté au médecin demandeur
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            name="mssantePatient"
            defaultChecked={values.mssantePatient}
            disabled={!mssante}
          />
          Envoyer aussi à la messagerie du patient (Mon espace santé) — identité qualifiée, après
          l&apos;annonce
        </label>
        {mssante ? (
          <Field
            name="mssanteMailbox"
            label="Boîte aux lettres applicative MSSanté du cabinet"
            hint="Adresse d'expédition des comptes rendus (celle du certificat MSSanté), par exemple cr@cabinet.mssante.fr"
            type="email"
            optional
            defaultValue={values.mssanteMailbox}
            error={errors.mssanteMailbox}
            maxLength={254}
          />
        ) : (
          <input type="hidden" name="mssanteMailbox" value={values.mssanteMailbox} />
        )}
        <label className="checkbox">
          <input type="checkbox" name="pfi" checked={pfi} onChange={(e) => setPfi(e.currentTarget.checked)} />
          Transmettre à une plateforme d&apos;intermédiation (PFI) par HL7 v2
        </label>
      </fieldset>
      {pfi ? (
        <fieldset className="checkboxes" data-testid="pfi-fields">
          <legend>Adresse de la PFI (MLLP)</legend>
          <div className="field-row">
            <Field
              name="pfiHost"
              label="Hôte"
              hint="Nom d'hôte ou adresse IP"
              defaultValue={values.pfiHost}
              error={errors.pfiHost}
              maxLength={253}
            />
            <Field
              name="pfiPort"
              label="Port"
              hint="Port MLLP, par exemple 2575"
              inputMode="numeric"
              defaultValue={values.pfiPort}
              error={errors.pfiPort}
              maxLength={5}
            />
          </div>
          <div className="field-row">
            <Field
              name="pfiApplication"
              label="Application réceptrice"
              hint="MSH-5 des messages"
              defaultValue={values.pfiApplication}
              error={errors.pfiApplication}
              maxLength={180}
            />
            <Field
              name="pfiFacility"
              label="Établissement récepteur"
              hint="MSH-6 des messages"
              defaultValue={values.pfiFacility}
              error={errors.pfiFacility}
              maxLength={180}
            />
          </div>
          <div className="field">
            <label htmlFor="pfiProfile">Message HL7</label>
            <select
              id="pfiProfile"
              name="pfiProfile"
              defaultValue={values.pfiProfile}
              aria-invalid={errors.pfiProfile ? true : undefined}
              aria-describedby={errors.pfiProfile ? 'pfiProfile-error' : undefined}
            >
              {PFI_PROFILES.map((p) => (
                <option key={p} value={p}>
                  {PFI_PROFILE_LABELS[p]}
                </option>
              ))}
            </select>
            {errors.pfiProfile ? (
              <p className="field-error" id="pfiProfile-error">
                {errors.pfiProfile}
              </p>
            ) : null}
          </div>
        </fieldset>
      ) : null}
    </>
  );
}
