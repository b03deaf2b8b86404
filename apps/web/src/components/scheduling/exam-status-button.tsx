'use client';

import { useActionState } from 'react';
import {
  setExamStatusAction,
  type ExamStatusTarget,
  type SmallActionState,
} from '../../app/t/[slug]/(scheduling)/accueil/actions.ts';

/** One button changing an exam's status (Arrivé, Absent, Débuter l'examen…), its refusal beside it. */
export function ExamStatusButton({
  target,
  label,
  confirm,
  tone = 'secondary',
}: {
  target: ExamStatusTarget;
  label: string;
  /** Asked first (irreversible or disruptive actions). */
  confirm?: string;
  tone?: 'primary' | 'secondary' | 'danger';
}) {
  const [state, formAction, pending] = useActionState<SmallActionState>(
    setExamStatusAction.bind(null, target),
    { attempt: 0, error: null },
  );
  const className = `button button--small${tone === 'primary' ? '' : ` button--${tone}`}`;
  return (
    <form action={formAction} className="inline-form">
      <button
        type="submit"
        className={className}
        disabled={pending}
        onClick={(event) => {
          if (confirm && !window.confirm(confirm)) event.preventDefault();
        }}
      >
        {label}
      </button>
      {state.error ? (
        <span className="field-error" role="alert">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
