import { addDays } from '@rayon/domain';
import Link from 'next/link';
import { formatLongDate, today } from '../../lib/scheduling.ts';

/**
 * « Jour précédent · Aujourd'hui · Jour suivant » and a date field (a plain GET form). `base` is
 * the page's path without parameters; `extra` holds the page's other parameters.
 */
export function DayNavigation({
  base,
  date,
  extra = {},
  step = 1,
  title,
}: {
  base: string;
  date: string;
  extra?: Record<string, string>;
  /** Days moved by the previous / next links (7 for a week). */
  step?: number;
  title?: string;
}) {
  const href = (d: string) => `${base}?${new URLSearchParams({ ...extra, date: d }).toString()}`;
  return (
    <nav className="day-nav" aria-label="Choisir le jour">
      <Link href={href(addDays(date, -step))} className="button button--secondary button--small">
        {step === 7 ? '‹ Semaine précédente' : '‹ Jour précédent'}
      </Link>
      <h2 className="day-nav__title" data-testid="day-title">
        {title ?? formatLongDate(date)}
      </h2>
      <Link href={href(addDays(date, step))} className="button button--secondary button--small">
        {step === 7 ? 'Semaine suivante ›' : 'Jour suivant ›'}
      </Link>
      {date !== today() ? (
        <Link href={href(today())} className="button button--secondary button--small">
          Aujourd'hui
        </Link>
      ) : null}
      <form action={base} method="get" className="day-nav__form">
        {Object.entries(extra).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <label htmlFor="day-nav-date" className="visually-hidden">
          Date
        </label>
        <input id="day-nav-date" type="date" name="date" defaultValue={date} />
        <button type="submit" className="button button--secondary button--small">
          Afficher
        </button>
      </form>
    </nav>
  );
}
