import Link from 'next/link';
import { Field } from '../../../../../components/form.tsx';
import type { SearchCriteria } from './search.ts';

/**
 * The patient search form: a plain GET form (works without JavaScript, the URL keeps the
 * search). `extra` hidden fields keep the page's own parameters (e.g. the merge screen's).
 */
export function PatientSearchForm({
  action,
  criteria,
  errors,
  extra = {},
  resetHref,
}: {
  action: string;
  criteria: SearchCriteria;
  errors: Partial<Record<keyof SearchCriteria, string>>;
  extra?: Record<string, string>;
  resetHref?: string;
}) {
  return (
    <form action={action} method="get" className="form search-form" role="search" noValidate>
      {Object.entries(extra).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="search-form__fields">
        <Field
          name="nom"
          label="Nom (et prénom)"
          hint="Nom de naissance ou nom utilisé, avec ou sans accents."
          defaultValue={criteria.nom}
          error={errors.nom}
          autoComplete="off"
          required={false}
          type="search"
        />
        <Field
          name="naissance"
          label="Date de naissance"
          type="date"
          defaultValue={criteria.naissance}
          error={errors.naissance}
          required={false}
        />
        <Field
          name="ins"
          label="INS"
          hint="Matricule INS (NIR ou NIA), 15 caractères."
          defaultValue={criteria.ins}
          error={errors.ins}
          autoComplete="off"
          inputMode="text"
          required={false}
        />
        <Field
          name="ipp"
          label="IPP"
          defaultValue={criteria.ipp}
          error={errors.ipp}
          autoComplete="off"
          required={false}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button">
          Rechercher
        </button>
        {resetHref ? <Link href={resetHref}>Effacer</Link> : null}
      </div>
    </form>
  );
}
