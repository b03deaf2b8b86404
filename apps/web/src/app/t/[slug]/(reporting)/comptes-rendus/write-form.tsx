'use client';

import { useActionState } from 'react';
import { createReportAction, type ReportActionState } from './actions.ts';

/** « Rédiger »: the report of one exam, from a template when chosen, with « annonce requise ». */
export function WriteReportForm({
  slug,
  examId,
  templates,
  defaultTemplateId,
}: {
  slug: string;
  examId: string;
  templates: { value: string; label: string }[];
  defaultTemplateId: string;
}) {
  const [state, formAction, pending] = useActionState<ReportActionState, FormData>(
    createReportAction.bind(null, { slug, examId }),
    { attempt: 0, error: null, notice: null },
  );
  const id = `w-${examId}`;
  return (
    <form action={formAction} className="write-form">
      <div className="row-actions">
        {templates.length > 0 ? (
          <>
            <label htmlFor={`${id}-template`} className="visually-hidden">
              Modèle de compte rendu
            </label>
            <select id={`${id}-template`} name="templateId" defaultValue={defaultTemplateId}>
              <option value="">Sans modèle</option>
              {templates.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label className="checkbox">
          <input type="checkbox" name="announcementRequired" /> Annonce requise
        </label>
        <button type="submit" className="button button--small" disabled={pending}>
          Rédiger
        </button>
      </div>
      {state.error ? (
        <span className="field-error" role="alert">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
