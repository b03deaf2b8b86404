'use client';

import { useActionState } from 'react';
import { Field, FormError, FormNotice, LinesField } from '../../../../../components/form.tsx';
import { saveRouteAction, type RouteState, type RouteValues } from './actions.ts';
import { EMPTY_ROUTE_VALUES } from './route-values.ts';

export interface EditedRoute {
  id: string;
  port: number | null;
  receivingApplication: string | null;
  receivingFacility: string | null;
  allowedSources: string[];
  clientCertFingerprints: string[];
  maxMessageBytes: number;
}

/**
 * A route on the shared port (new), or the senders and size limit of an existing route. A
 * dedicated port is shown, never chosen: the platform administrator assigns it.
 */
export function RouteForm({ slug, route }: { slug: string; route?: EditedRoute }) {
  const dedicated = route?.port != null;
  const initial: RouteValues = route
    ? {
        receivingApplication: route.receivingApplication ?? '',
        receivingFacility: route.receivingFacility ?? '',
        allowedSources: route.allowedSources.join('\n'),
        clientCertFingerprints: route.clientCertFingerprints.join('\n'),
        maxMessageKib: String(Math.round(route.maxMessageBytes / 1024)),
      }
    : EMPTY_ROUTE_VALUES;
  const [state, formAction, pending] = useActionState<RouteState, FormData>(
    saveRouteAction.bind(null, { slug, id: route?.id ?? null, dedicated }),
    { attempt: 0, values: initial, errors: {}, formError: null, notice: null },
  );
  const v = state.values;
  const suffix = route ? `-${route.id.slice(0, 8)}` : '';
  return (
    <>
      <FormNotice message={state.notice} />
      <form
        action={formAction}
        className="form"
        key={state.attempt}
        noValidate
        data-testid={`route-form${suffix}`}
      >
        <FormError message={state.formError} />
        <div className="field-row">
          <Field
            name="receivingApplication"
            label="Application réceptrice (MSH-5)"
            defaultValue={v.receivingApplication}
            error={state.errors.receivingApplication}
            autoComplete="off"
            optional={dedicated}
          />
          <Field
            name="receivingFacility"
            label="Établissement récepteur (MSH-6)"
            defaultValue={v.receivingFacility}
            error={state.errors.receivingFacility}
            autoComplete="off"
            optional={dedicated}
          />
        </div>
        <LinesField
          name="allowedSources"
          label="Adresses autorisées"
          hint="Adresse IP ou plage CIDR de chaque émetteur (ex. 192.0.2.10, 10.20.0.0/16). Sans adresse, aucun message n'est accepté."
          value={v.allowedSources}
          error={state.errors.allowedSources}
          rows={3}
          perLine="une par ligne"
        />
        {dedicated ? null : (
          <LinesField
            name="clientCertFingerprints"
            label="Empreintes de certificat client (SHA-256)"
            hint="Facultatif. Si renseigné, seul le MLLP sur TLS présentant l'un de ces certificats est accepté. Empreinte : openssl x509 -in certificat.pem -noout -fingerprint -sha256"
            value={v.clientCertFingerprints}
            error={state.errors.clientCertFingerprints}
            rows={3}
            perLine="une par ligne"
          />
        )}
        <Field
          name="maxMessageKib"
          label="Taille maximale d'un message (Kio)"
          type="number"
          min={1}
          hint="1 024 Kio = 1 Mio (valeur par défaut). Un message plus gros est refusé (AR)."
          defaultValue={v.maxMessageKib}
          error={state.errors.maxMessageKib}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            {route ? 'Enregistrer' : 'Ajouter la route'}
          </button>
        </div>
      </form>
    </>
  );
}
