import type { InputHTMLAttributes, SelectHTMLAttributes } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'> {
  name: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  optional?: boolean;
  /** Keeps the ids unique when the same form appears on several rows. */
  scope?: string;
}

/** A labelled input with its hint and its error, wired for screen readers. */
export function Field({
  name,
  label,
  hint,
  error,
  optional = false,
  type = 'text',
  scope,
  ...input
}: FieldProps) {
  const id = `f-${scope ? `${scope}-` : ''}${name.replaceAll('.', '-')}`;
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

/**
 * A list typed one entry per line (addresses, AE titles, certificate fingerprints), read back by
 * the form's shared schema. `scope` keeps the ids unique when the same form appears on several rows.
 */
export function LinesField({
  name,
  label,
  hint,
  value,
  error,
  rows = 2,
  scope,
  perLine = 'un par ligne',
}: {
  name: string;
  label: string;
  hint: string;
  value: string;
  error: string | undefined;
  rows?: number;
  scope?: string;
  /** « un par ligne » / « une par ligne », as the entries' gender asks. */
  perLine?: string;
}) {
  const id = scope ? `f-${scope}-${name}` : `f-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        <span className="optional"> ({perLine})</span>
      </label>
      <span id={`${id}-hint`} className="field-hint">
        {hint}
      </span>
      <textarea
        id={id}
        name={name}
        rows={rows}
        defaultValue={value}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
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

function describedBy(id: string, hint: string | undefined, error: string | undefined) {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'name'> {
  name: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  optional?: boolean;
  options: readonly { value: string; label: string }[];
  /** First, empty choice (e.g. "Choisir…"). */
  placeholder?: string;
  /** Keeps the ids unique when the same form appears on several rows. */
  scope?: string;
}

/** A labelled select with its hint and its error. */
export function SelectField({
  name,
  label,
  hint,
  error,
  optional = false,
  options,
  placeholder,
  scope,
  ...select
}: SelectFieldProps) {
  const id = `f-${scope ? `${scope}-` : ''}${name.replaceAll('.', '-')}`;
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
      <select
        id={id}
        name={name}
        required={!optional}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...select}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <span id={`${id}-error`} className="field-error" data-testid={`error-${name}`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** A group of radio buttons (one choice), as a fieldset with its legend and its error. */
export function RadioGroup({
  name,
  label,
  hint,
  error,
  options,
  defaultValue,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  options: readonly { value: string; label: string }[];
  defaultValue?: string;
}) {
  const id = `f-${name.replaceAll('.', '-')}`;
  return (
    <fieldset
      className="radio-group"
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, hint, error)}
    >
      <legend>{label}</legend>
      {hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
      <div className="radio-group__options">
        {options.map((o) => (
          <label key={o.value} className="checkbox">
            <input type="radio" name={name} value={o.value} defaultChecked={defaultValue === o.value} />
            {o.label}
          </label>
        ))}
      </div>
      {error ? (
        <span id={`${id}-error`} className="field-error" data-testid={`error-${name}`} role="alert">
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

/** A success or information message after an action. */
export function FormNotice({
  message,
  tone = 'success',
}: {
  message: string | null;
  tone?: 'success' | 'warning';
}) {
  return message ? (
    <div className={`alert alert--${tone}`} role="status">
      {message}
    </div>
  ) : null;
}
