'use client';

import { useActionState } from 'react';
import { Field, FormError, FormNotice, SelectField } from '../../../../../components/form.tsx';
import { CERTIFICATE_PURPOSE_LABELS, CERTIFICATE_PURPOSES } from '../../../../../lib/labels.ts';
import { uploadCertificateAction, type UploadState } from './actions.ts';

export function UploadCertificateForm({ slug }: { slug: string }) {
  const [state, formAction, pending] = useActionState<UploadState, FormData>(
    uploadCertificateAction.bind(null, slug),
    { attempt: 0, purpose: '', errors: {}, formError: null, notice: null },
  );
  return (
    <>
      <FormNotice message={state.notice} />
      <form action={formAction} className="form" key={state.attempt} noValidate>
        <FormError message={state.formError} />
        <SelectField
          name="purpose"
          label="Usage"
          hint="Le nom commun (CN) du certificat doit être exactement INSI-AUTO ou INSI-MANU."
          options={CERTIFICATE_PURPOSES.map((p) => ({ value: p, label: CERTIFICATE_PURPOSE_LABELS[p] }))}
          placeholder="Choisir…"
          defaultValue={state.purpose}
          error={state.errors.purpose}
        />
        <Field
          name="file"
          label="Fichier PKCS#12 (.p12 / .pfx)"
          type="file"
          accept=".p12,.pfx,application/x-pkcs12"
          error={state.errors.file}
        />
        <Field
          name="passphrase"
          label="Mot de passe du fichier"
          type="password"
          autoComplete="off"
          error={state.errors.passphrase}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            {pending ? 'Installation…' : 'Installer le certificat'}
          </button>
        </div>
      </form>
    </>
  );
}
