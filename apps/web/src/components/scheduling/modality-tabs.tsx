import Link from 'next/link';

/** One tab per modality (the page's current one marked). */
export function ModalityTabs({
  modalities,
  current,
  href,
  label,
}: {
  modalities: { id: string; name: string }[];
  current: string;
  href: (id: string) => string;
  label: string;
}) {
  return (
    <nav className="tabs" aria-label={label}>
      {modalities.map((m) => (
        <Link
          key={m.id}
          href={href(m.id)}
          className="tabs__tab"
          aria-current={m.id === current ? 'page' : undefined}
        >
          {m.name}
        </Link>
      ))}
    </nav>
  );
}
