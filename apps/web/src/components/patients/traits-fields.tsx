import { Field, RadioGroup } from '../form.tsx';
import { SEX_OPTIONS, type ComplementaryField, type TraitField } from '../../lib/identity-forms.ts';

type Values<F extends string> = Partial<Record<F, string>>;
type Errors<F extends string> = Partial<Record<F, string>>;

/** The strict traits (traits stricts), the only data required to create an identity. */
export function StrictTraitsFields({
  values,
  errors,
}: {
  values: Values<TraitField>;
  errors: Errors<TraitField>;
}) {
  return (
    <>
      <Field
        name="traits.birthFamilyName"
        label="Nom de naissance"
        hint="Tel qu'écrit sur la pièce d'identité, accents compris."
        defaultValue={values['traits.birthFamilyName'] ?? ''}
        error={errors['traits.birthFamilyName']}
        autoComplete="off"
      />
      <div className="field-row">
        <Field
          name="traits.firstBirthForename"
          label="Premier prénom de naissance"
          defaultValue={values['traits.firstBirthForename'] ?? ''}
          error={errors['traits.firstBirthForename']}
          autoComplete="off"
        />
        <Field
          name="traits.birthForenames"
          label="Liste des prénoms de naissance"
          hint="Tous les prénoms, dans l'ordre, séparés par une espace. Vide : le premier prénom seul."
          defaultValue={values['traits.birthForenames'] ?? ''}
          error={errors['traits.birthForenames']}
          autoComplete="off"
          optional
        />
      </div>
      <div className="field-row">
        <Field
          name="traits.birthDate"
          label="Date de naissance"
          type="date"
          min="1850-01-01"
          defaultValue={values['traits.birthDate'] ?? ''}
          error={errors['traits.birthDate']}
        />
        <Field
          name="traits.birthPlaceCode"
          label="Lieu de naissance (code INSEE / COG)"
          hint="5 caractères : 63220, 2B020 ; 99 suivi du code du pays pour une naissance à l'étranger."
          defaultValue={values['traits.birthPlaceCode'] ?? ''}
          error={errors['traits.birthPlaceCode']}
          autoComplete="off"
          maxLength={5}
          optional
        />
      </div>
      <RadioGroup
        name="traits.sex"
        label="Sexe"
        options={SEX_OPTIONS}
        defaultValue={values['traits.sex'] ?? ''}
        error={errors['traits.sex']}
      />
    </>
  );
}

/** The complementary traits (traits complémentaires): never required, never blocking. */
export function ComplementaryTraitsFields({
  values,
  errors,
}: {
  values: Values<ComplementaryField>;
  errors: Errors<ComplementaryField>;
}) {
  return (
    <div className="field-row">
      <Field
        name="complementary.usedFamilyName"
        label="Nom utilisé"
        hint="Nom d'usage (nom d'époux, …), s'il diffère du nom de naissance."
        defaultValue={values['complementary.usedFamilyName'] ?? ''}
        error={errors['complementary.usedFamilyName']}
        autoComplete="off"
        optional
      />
      <Field
        name="complementary.usedForename"
        label="Prénom utilisé"
        hint="Prénom d'usage, s'il diffère du premier prénom de naissance."
        defaultValue={values['complementary.usedForename'] ?? ''}
        error={errors['complementary.usedForename']}
        autoComplete="off"
        optional
      />
    </div>
  );
}
