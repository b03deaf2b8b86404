'use client';

import { useActionState } from 'react';
import { zonedDate } from '@rayon/domain';
import { FormError } from '../../../../../../components/form.tsx';
import { formatLongDate, formatTime } from '../../../../../../lib/scheduling.ts';
import { bookAction, type BookState } from '../actions.ts';

interface Slot {
  startsAt: string;
  endsAt: string;
  modality: { id: string; name: string };
}

/** The proposed slots, grouped by day, the first one chosen; « Réserver » books it. */
export function SlotPicker({
  slug,
  examId,
  examTypeId,
  moving,
  slots,
}: {
  slug: string;
  examId: string;
  examTypeId: string | null;
  moving: boolean;
  slots: Slot[];
}) {
  const [state, formAction, pending] = useActionState<BookState, FormData>(
    bookAction.bind(null, { slug, examId, examTypeId }),
    { attempt: 0, error: null },
  );
  const days = new Map<string, Slot[]>();
  for (const s of slots) {
    const day = zonedDate(new Date(s.startsAt));
    days.set(day, [...(days.get(day) ?? []), s]);
  }
  return (
    <form action={formAction} className="form" data-testid="slots">
      <FormError message={state.error} />
      {[...days.entries()].map(([day, daySlots]) => (
        <fieldset key={day} className="slots">
          <legend>{formatLongDate(day)}</legend>
          <div className="slots__options">
            {daySlots.map((s) => {
              const value = `${s.modality.id}|${s.startsAt}`;
              return (
                <label key={value} className="slot">
                  <input type="radio" name="slot" value={value} defaultChecked={s === slots[0]} />
                  <span className="slot__time">{formatTime(s.startsAt)}</span>
                  <span className="slot__modality">{s.modality.name}</span>
                </label>
              );
            })}
          </div>
        </fieldset>
      ))}
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          {moving ? 'Déplacer sur ce créneau' : 'Réserver ce créneau'}
        </button>
      </div>
    </form>
  );
}
