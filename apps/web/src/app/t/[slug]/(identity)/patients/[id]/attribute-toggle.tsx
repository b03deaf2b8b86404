'use client';

import { useActionState } from 'react';
import { SettingSwitch } from '../../../../../../components/setting-switch.tsx';
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
  return (
    <SettingSwitch
      id={attribute}
      label={label}
      hint={hint}
      checked={checked}
      action={formAction}
      pending={pending}
      error={state.error}
      disabled={disabled}
      hidden={{ version: String(version), attribute }}
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
    />
  );
}
