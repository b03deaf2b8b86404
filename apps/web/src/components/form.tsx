import type { InputHTMLAttributes } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'> {
  name: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  optional?: boolean;
}

/** A labelled input with its hint and its error, wired for screen readers. */
export function Field({ name, label, hint, error, optional = false, type = 'text', ...input }: FieldProps) {
  const id = `f-${name.replaceAll('.', '-')}`;
  const describedBy =
    [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {optional ? <span className="optional"> (facultatif)</span> : null}
      </label>
      {hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
      <input
        id={id}
        name={name}
        type={type}
        required={!optional}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {error ? (
        <span id={`${id}-error`} className="field-error" data-testid={`error-${name}`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The error of a whole form (not tied to one field). */
export function FormError({ message }: { message: string | null }) {
  return message ? (
    <div className="alert alert--error" role="alert">
      {message}
    </div>
  ) : null;
}
