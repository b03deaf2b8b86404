'use client';

import { useActionState } from 'react';
import { Field, FormError, FormNotice, SelectField } from '../../../../../components/form.tsx';
import { assignPortAction, type AssignPortState } from './hl7-port-actions.ts';

/** The platform administrator gives the practice a dedicated HL7 port from the range. */
export function AssignPortForm({
  slug,
  range,
  sharedRoutes,
}: {
  slug: string;
  range: { from: number; to: number };
  sharedRoutes: { id: string; label: string }[];
}) {
  const [state, formAction, pending] = useActionState<AssignPortState, FormData>(
    assignPortAction.bind(null, slug),
    { attempt: 0, values: { port: '', routeId: '' }, errors: {}, formError: null, notice: null },
  );
  return (
    <>
      <FormNotice message={state.notice} />
      <form action={formAction} className="form" key={state.attempt} noValidate>
        <FormError message={state.formError} />
        <div className="field-row">
          <Field
            name="port"
            label="Port dédié"
            type="number"
            min={range.from}
            max={range.to}
            hint={`Plage des ports dédiés de la plateforme : ${range.from} à ${range.to}.`}
            defaultValue={state.values.port}
            error={state.errors.port}
          />
          <SelectField
            name="routeId"
            label="Route"
            optional
            hint="Une route existante du port partagé (elle garde ses émetteurs), ou une nouvelle route sans émetteur."
            options={sharedRoutes.map((r) => ({ value: r.id, label: r.label }))}
            placeholder="Nouvelle route"
            defaultValue={state.values.routeId}
            error={state.errors.routeId}
          />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            Attribuer le port
          </button>
        </div>
      </form>
    </>
  );
}
