'use client';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest =
    error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : null;
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Une erreur est survenue</h1>
        <p className="muted">Le service est momentanément indisponible. Réessayez dans un instant.</p>
        {digest ? <p className="muted">Référence : {digest}</p> : null}
        <button type="button" className="button" onClick={() => retry()}>
          Réessayer
        </button>
      </div>
    </main>
  );
}
