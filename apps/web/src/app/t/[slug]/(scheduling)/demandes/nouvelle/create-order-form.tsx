'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { FormError, RadioGroup, SelectField } from '../../../../../../components/form.tsx';
import { modalityTypeLabel } from '../../../../../../lib/scheduling.ts';
import { createOrderAction, type OrderFormState } from '../actions.ts';

interface ExamTypeChoice {
  id: string;
  label: string;
  modalityType: string;
  durationMinutes: number;
  ccamCode: string | null;
}

/** The demande d'examen: exams from the catalogue, referrer, urgency, clinical information. */
export function CreateOrderForm({
  slug,
  patientId,
  examTypes,
  referrers,
  cancelHref,
}: {
  slug: string;
  patientId: string;
  examTypes: ExamTypeChoice[];
  referrers: { id: string; label: string }[];
  cancelHref: string;
}) {
  const [state, formAction, pending] = useActionState<OrderFormState, FormData>(
    createOrderAction.bind(null, { slug, patientId }),
    { attempt: 0, values: null, errors: {}, formError: null },
  );
  const values = state.values;
  const byType = new Map<string, ExamTypeChoice[]>();
  for (const t of examTypes) byType.set(t.modalityType, [...(byType.get(t.modalityType) ?? []), t]);
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormError message={state.formError} />
      <fieldset
        aria-invalid={state.errors.examTypeIds ? true : undefined}
        aria-describedby={state.errors.examTypeIds ? 'f-examTypeIds-error' : undefined}
      >
        <legend>Examens demandés</legend>
        {[...byType.entries()].map(([type, types]) => (
          <div key={type} className="checkboxes">
            <p className="field-hint">{modalityTypeLabel(type)}</p>
            {types.map((t) => (
              <label key={t.id} className="checkbox">
                <input
                  type="checkbox"
                  name="examTypeIds"
                  value={t.id}
                  defaultChecked={values?.examTypeIds.includes(t.id) ?? false}
                />
                {t.label}
                <span className="muted small">
                  {' '}
                  ({t.durationMinutes} min{t.ccamCode ? `, CCAM ${t.ccamCode}` : ''})
                </span>
              </label>
            ))}
          </div>
        ))}
        {state.errors.examTypeIds ? (
          <span id="f-examTypeIds-error" className="field-error" role="alert" data-testid="error-examTypeIds">
            {state.errors.examTypeIds}
          </span>
        ) : null}
      </fieldset>
      <SelectField
        name="referrerId"
        label="Prescripteur"
        options={referrers.map((r) => ({ value: r.id, label: r.label }))}
        placeholder="Non renseigné"
        defaultValue={values?.referrerId ?? ''}
        error={state.errors.referrerId}
        optional
      />
      <RadioGroup
        name="urgency"
        label="Urgence"
        options={[
          { value: 'routine', label: 'Non urgent' },
          { value: 'urgent', label: 'Urgent' },
        ]}
        defaultValue={values?.urgency ?? 'routine'}
        error={state.errors.urgency}
      />
      <div className="field">
        <label htmlFor="f-clinicalInfo">
          Renseignements cliniques<span className="optional"> (facultatif)</span>
        </label>
        <textarea
          id="f-clinicalInfo"
          name="clinicalInfo"
          rows={3}
          maxLength={4000}
          defaultValue={values?.clinicalInfo ?? ''}
          aria-invalid={state.errors.clinicalInfo ? true : undefined}
        />
        {state.errors.clinicalInfo ? (
          <span className="field-error" role="alert">
            {state.errors.clinicalInfo}
          </span>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Créer la demande
        </button>
        <Link href={cancelHref}>Annuler</Link>
      </div>
    </form>
  );
}
