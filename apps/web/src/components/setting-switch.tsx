'use client';

import type { MouseEvent, ReactNode } from 'react';

/**
 * A yes/no setting as a switch that posts its opposite value (`value`) to a server action, with
 * its label, hint and the action's refusal. The caller owns the action state (`useActionState`).
 */
export function SettingSwitch({
  id,
  label,
  hint,
  checked,
  action,
  pending,
  error,
  disabled = false,
  hidden = {},
  onClick,
}: {
  /** Names the label, the hint and the test id (`toggle-<id>`). */
  id: string;
  label: ReactNode;
  hint: ReactNode;
  checked: boolean;
  action: (formData: FormData) => void;
  pending: boolean;
  error: string | null | undefined;
  disabled?: boolean;
  /** Other fields the action needs. */
  hidden?: Record<string, string>;
  onClick?: (event: MouseEvent<HTMLButtonElement>) => void;
}) {
  return (
    <form action={action} className="toggle-row">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="value" value={checked ? 'false' : 'true'} />
      <button
        type="submit"
        role="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        aria-describedby={`${id}-hint`}
        className="switch"
        disabled={disabled || pending}
        data-testid={`toggle-${id}`}
        onClick={onClick}
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__state" aria-hidden="true">
          {checked ? 'Oui' : 'Non'}
        </span>
      </button>
      <div className="toggle-row__text">
        <span id={`${id}-label`} className="toggle-row__label">
          {label}
        </span>
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
        {error ? (
          <span className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
