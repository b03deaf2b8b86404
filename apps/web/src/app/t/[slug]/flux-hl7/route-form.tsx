'use client';

import { useActionState, useState } from 'react';
import { Field, FormError, FormNotice } from '../../../../components/form.tsx';
import { createRouteAction, type RouteState } from './actions.ts';

/** New HL7 route: a dedicated port, or MSH-5 / MSH-6 on the shared port. */
export function RouteForm({ slug }: { slug: string }) {
  const [state, formAction, pending] = useActionState<RouteState, FormData>(
    createRouteAction.bind(null, slug),
    {
      attempt: 0,
      values: { mode: 'shared', port: '', receivingApplication: '', receivingFacility: '' },
      errors: {},
      formError: null,
      notice: null,
    },
  );
  const [mode, setMode] = useState(state.values.mode);
  const dedicated = mode === 'port';
  return (
    <>
      <FormNotice message={state.notice} />
      <form action={formAction} className="form" key={state.attempt} noValidate>
        <FormError message={state.formError} />
        <fieldset className="radio-group">
          <legend>Réception</legend>
          <div className="radio-group__options">
            <label className="checkbox">
              <input
                type="radio"
                name="mode"
                value="shared"
                checked={!dedicated}
                onChange={() => setMode('shared')}
              />
              Port partagé, reconnu par MSH-5 / MSH-6
            </label>
            <label className="checkbox">
              <input
                type="radio"
                name="mode"
                value="port"
                checked={dedicated}
                onChange={() => setMode('port')}
              />
              Port dédié à l'établissement
            </label>
          </div>
        </fieldset>
        {dedicated ? (
          <Field
            name="port"
            label="Port dédié"
            type="number"
            min={1024}
            max={65535}
            hint="Port TCP (MLLP) sur lequel l'émetteur se connecte, entre 1024 et 65535."
            defaultValue={state.values.port}
            error={state.errors.port}
          />
        ) : null}
        <div className="field-row">
          <Field
            name="receivingApplication"
            label="Application réceptrice (MSH-5)"
            defaultValue={state.values.receivingApplication}
            error={state.errors.receivingApplication}
            autoComplete="off"
            optional={dedicated}
          />
          <Field
            name="receivingFacility"
            label="Établissement récepteur (MSH-6)"
            defaultValue={state.values.receivingFacility}
            error={state.errors.receivingFacility}
            autoComplete="off"
            optional={dedicated}
          />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            Ajouter la route
          </button>
        </div>
      </form>
    </>
  );
}
