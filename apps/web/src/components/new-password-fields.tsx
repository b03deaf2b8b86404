import { PASSWORD_HINT } from '../lib/passwords.ts';
import { Field } from './form.tsx';

/**
 * A new password and its confirmation (`confirmation`), with the policy's hint: the invitation,
 * the reset link and « Mon compte » ask for it alike.
 */
export function NewPasswordFields({
  name = 'password',
  label = 'Nouveau mot de passe',
  confirmationLabel = 'Confirmation du nouveau mot de passe',
  errors,
}: {
  name?: string;
  label?: string;
  confirmationLabel?: string;
  errors: Partial<Record<string, string>>;
}) {
  return (
    <>
      <Field
        name={name}
        label={label}
        type="password"
        hint={PASSWORD_HINT}
        autoComplete="new-password"
        maxLength={1024}
        error={errors[name]}
      />
      <Field
        name="confirmation"
        label={confirmationLabel}
        type="password"
        autoComplete="new-password"
        maxLength={1024}
        error={errors.confirmation}
      />
    </>
  );
}
