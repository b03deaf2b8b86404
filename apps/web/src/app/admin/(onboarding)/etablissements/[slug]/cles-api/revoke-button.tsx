'use client';

/** Submit button of a revocation form, asking for confirmation first. */
export function RevokeButton({ keyName }: { keyName: string }) {
  return (
    <button
      type="submit"
      className="button button--danger"
      onClick={(event) => {
        if (
          !window.confirm(
            `Révoquer la clé « ${keyName} » ? Les systèmes qui l'utilisent perdront l'accès immédiatement.`,
          )
        ) {
          event.preventDefault();
        }
      }}
    >
      Révoquer
    </button>
  );
}
