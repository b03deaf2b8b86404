import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Page introuvable</h1>
        <p className="muted">Cette page n'existe pas, ou vous n'y avez pas accès.</p>
        <p>
          <Link href="/">Retour à l'accueil</Link>
        </p>
      </div>
    </main>
  );
}
