'use client';

import type { ReactNode } from 'react';

/** A submit button that asks for confirmation first (irreversible actions). */
export function ConfirmButton({
  question,
  children,
  className = 'button button--danger',
}: {
  question: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <button
      type="submit"
      className={className}
      onClick={(event) => {
        if (!window.confirm(question)) event.preventDefault();
      }}
    >
      {children}
    </button>
  );
}
