'use client';

import { useActionState, useEffect, useMemo } from 'react';
import { FormError } from '../../../../../../components/form.tsx';
import { CdaView } from '../../../../../../components/reports/cda-view.tsx';
import { readReceivedCdaAction, type ReceivedCdaState } from '../actions.ts';

function pdfObjectUrl(base64: string): string {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
}

/**
 * A CDA file chosen by the user, read on the server and shown here; its PDF is displayed from the
 * browser's memory (an object URL), nothing is stored.
 */
export function ReceivedCdaForm({ slug }: { slug: string }) {
  const [state, formAction, pending] = useActionState<ReceivedCdaState, FormData>(
    readReceivedCdaAction.bind(null, slug),
    { attempt: 0, status: 'idle' },
  );
  const pdfUrl = useMemo(
    () => (state.status === 'read' && typeof window !== 'undefined' ? pdfObjectUrl(state.pdfBase64) : null),
    [state],
  );
  useEffect(() => () => (pdfUrl ? URL.revokeObjectURL(pdfUrl) : undefined), [pdfUrl]);
  return (
    <>
      <form action={formAction} className="card form" noValidate>
        <FormError message={state.status === 'error' ? state.error : null} />
        <div className="field">
          <label htmlFor="f-file">Document CDA (fichier XML, 20 Mo au plus)</label>
          <span id="f-file-hint" className="field-hint">
            Compte rendu au format CDA R2 niveau 1 du CI-SIS, dont le corps est un PDF (nonXMLBody). Le
            fichier est lu pour l&apos;affichage et n&apos;est pas conservé.
          </span>
          <input
            id="f-file"
            name="file"
            type="file"
            accept=".xml,application/xml,text/xml"
            required
            aria-describedby="f-file-hint"
          />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            {pending ? 'Lecture…' : 'Afficher le document'}
          </button>
        </div>
      </form>
      {state.status === 'read' ? (
        <section aria-label="Document reçu" data-testid="received-cda">
          <p className="muted small">
            Fichier <strong>{state.fileName}</strong>, non conservé.
          </p>
          <CdaView header={state.header} pdfSrc={pdfUrl} />
        </section>
      ) : null}
    </>
  );
}
