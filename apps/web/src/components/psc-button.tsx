import type { ReactNode } from 'react';

/**
 * Pro Santé Connect's usual look — a blue button naming the service, with its mark — drawn here
 * (inline SVG and CSS): the portal loads no image from another site, and its CSP allows none.
 */
function PscMark() {
  return (
    <svg className="psc-button__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <circle cx="16" cy="16" r="15" fill="#fff" />
      <path d="M13 7h6v6h6v6h-6v6h-6v-6H7v-6h6z" fill="currentColor" />
    </svg>
  );
}

function Content({ lead, main, sub }: { lead?: ReactNode; main: ReactNode; sub?: ReactNode }) {
  return (
    <>
      <PscMark />
      <span className="psc-button__text">
        {lead ? <span className="psc-button__small">{lead}</span> : null}
        <span className="psc-button__main">{main}</span>
        {sub ? <span className="psc-button__small">{sub}</span> : null}
      </span>
    </>
  );
}

/** « Se connecter avec Pro Santé Connect »: a link to the route handler that starts the flow. */
export function PscSignInLink({ href }: { href: string }) {
  // A plain <a>: the target is a route handler answering with a redirect to PSC, which Next's
  // client-side navigation could not follow.
  return (
    <a href={href} className="psc-button" data-testid="psc-sign-in">
      <Content lead="Se connecter avec" main="Pro Santé Connect" />
    </a>
  );
}

/** The submit button of a form starting a PSC flow (« Lier ma e-CPS », « Accepter avec ma e-CPS »). */
export function PscSubmitButton({
  children,
  disabled = false,
  testId,
}: {
  children: ReactNode;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <button type="submit" className="psc-button" disabled={disabled} data-testid={testId}>
      <Content main={children} sub="avec Pro Santé Connect" />
    </button>
  );
}
