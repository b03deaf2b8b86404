'use client';

import { useActionState } from 'react';
import { Field, FormError, FormNotice, SelectField } from '../../../../../../components/form.tsx';
import { createTemplateAction, type TemplateFormState } from '../actions.ts';

const INITIAL: TemplateFormState = { attempt: 0, values: null, errors: {}, formError: null, notice: null };

/** A new report template: its name, the catalogue entry it is for (optional), its text. */
export function TemplateForm({
  slug,
  examTypes,
}: {
  slug: string;
  examTypes: { value: string; label: string }[];
}) {
  const [state, formAction, pending] = useActionState<TemplateFormState, FormData>(
    createTemplateAction.bind(null, slug),
    INITIAL,
  );
  const v = (name: string) => state.values?.[name] ?? '';
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.formError} />
      <div className="field-row">
        <Field
          name="name"
          label="Nom du modèle"
          defaultValue={v('name')}
          error={state.errors.name}
          maxLength={200}
        />
        <SelectField
          name="examTypeId"
          label="Examen du catalogue"
          optional
          placeholder="Tous les examens"
          options={examTypes}
          defaultValue={v('examTypeId')}
          error={state.errors.examTypeId}
        />
      </div>
      <div className="field">
        <label htmlFor="f-template-body">Texte du modèle</label>
        <span id="f-template-body-hint" className="field-hint">
          Repris tel quel dans le compte rendu rédigé à partir de ce modèle (indication, technique, résultats,
          conclusion…).
        </span>
        <textarea
          id="f-template-body"
          name="body"
          rows={12}
          maxLength={100_000}
          defaultValue={v('body')}
          aria-describedby="f-template-body-hint"
          aria-invalid={state.errors.body ? true : undefined}
        />
        {state.errors.body ? (
          <span className="field-error" role="alert" data-testid="error-body">
            {state.errors.body}
          </span>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Ajouter le modèle
        </button>
      </div>
    </form>
  );
}
