'use client';

import { useActionState } from 'react';
import { setAttributeAction } from './actions.ts';
import { INITIAL_ACTION_STATE, type ActionState } from './state.ts';

/**
 * One identity attribute (douteuse, fictive, homonyme) as a switch: a click saves it at once.
 * Setting "douteuse" or "fictive" on an identity that is not provisional asks first, since the
 * identity then goes back to provisional and loses its INS and document check.
 */
export function AttributeToggle({
  slug,
  id,
  version,
  attribute,
  label,
  hint,
  checked,
  downgrades,
  disabled,
}: {
  slug: string;
  id: string;
  version: number;
  attribute: 'douteuse' | 'fictive' | 'homonyme';
  label: string;
  hint: string;
  checked: boolean;
  /** Turning it on takes the identity back to provisional. */
  downgrades: boolean;
  disabled: boolean;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(
    setAttributeAction.bind(null, { slug, id }),
    INITIAL_ACTION_STATE,
  );
  const labelId = `attribute-${attribute}-label`;
  const hintId = `attribute-${attribute}-hint`;
  return (
    <form action={formAction} className="toggle-row">
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="attribute" value={attribute} />
      <input type="hidden" name="value" value={checked ? 'false' : 'true'} />
      <button
        type="submit"
        role="switch"
        aria-checked={checked}
        aria-labelledby={labelId}
        aria-describedby={hintId}
        className="switch"
        disabled={disabled || pending}
        data-testid={`toggle-${attribute}`}
        onClick={(event) => {
          if (
            !checked &&
            downgrades &&
            !window.confirm(
              `Marquer « ${label} » ? L'identité repassera au statut « Identité provisoire » : l'INS et la vérification de la pièce d'identité seront retirées.`,
            )
          ) {
            event.preventDefault();
          }
        }}
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__state" aria-hidden="true">
          {checked ? 'Oui' : 'Non'}
        </span>
      </button>
      <div className="toggle-row__text">
        <span id={labelId} className="toggle-row__label">
          {label}
        </span>
        <span id={hintId} className="field-hint">
          {hint}
        </span>
        {state.error ? (
          <span className="field-error" role="alert">
            {state.error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
