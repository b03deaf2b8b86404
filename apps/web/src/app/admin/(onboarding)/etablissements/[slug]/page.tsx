import type { Metadata } from 'next';
import Link from 'next/link';
import { AutoRefresh } from '../../../../../components/auto-refresh.tsx';
import { StatusBadge } from '../../../../../components/status-badge.tsx';
import { formatDateTime, provisioningStepLabel } from '../../../../../lib/labels.ts';
import { portalOrigin } from '../../../../../server/request.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import { Hl7Ports } from './hl7-ports.tsx';

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug } = await params;
  return { title: `Établissement ${decodeURIComponent(slug)}` };
}

export default async function TenantPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const invitation = Array.isArray(query.invitation) ? query.invitation[0] : query.invitation;
  const sentTo = Array.isArray(query.invitationSentTo) ? query.invitationSentTo[0] : query.invitationSentTo;
  const api = await apiForSession();
  const tenant = await load(() => api.onboarding.tenants.get.query({ slug }));
  const provisioning = tenant.status === 'provisioning';
  const percent = Math.max(0, Math.min(100, Math.round(tenant.provisioning.percent)));
  const invitationUrl = invitation
    ? `${await portalOrigin()}/invitation/${encodeURIComponent(invitation)}`
    : null;

  return (
    <>
      {provisioning ? <AutoRefresh intervalMs={1000} /> : null}
      <nav className="breadcrumb">
        <Link href="/admin">Établissements</Link> › {tenant.name}
      </nav>
      <div className="page-title">
        <h1>{tenant.name}</h1>
        <StatusBadge status={tenant.status} />
      </div>

      {sentTo && !invitationUrl ? (
        <div className="card" role="status" data-testid="invitation-sent">
          <strong>Invitation envoyée par e-mail à {sentTo}</strong>
          <p className="muted">
            Le lien est valable 7 jours. L'administrateur pourra l'utiliser dès que l'établissement sera
            actif.
          </p>
        </div>
      ) : null}

      {invitationUrl ? (
        <div className="card alert--warning">
          <strong>Lien d'invitation de l'administrateur (à transmettre, affiché une seule fois)</strong>
          <code className="secret" data-testid="invitation-link">
            {invitationUrl}
          </code>
          <p className="muted">
            Le lien est valable 7 jours. L'administrateur pourra l'utiliser dès que l'établissement sera
            actif.
          </p>
        </div>
      ) : null}

      <section className="card" aria-labelledby="provisioning-title">
        <h2 id="provisioning-title" style={{ marginTop: 0 }}>
          Mise en service
        </h2>
        {tenant.status === 'provisioning' || tenant.status === 'failed' ? (
          <>
            <div
              className="progress"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              aria-label="Avancement de la mise en service"
            >
              <div className="progress__bar" style={{ width: `${percent}%` }} />
            </div>
            <p data-testid="provisioning-step">
              {provisioningStepLabel(tenant.provisioning.step)} — {percent} %
            </p>
          </>
        ) : (
          <p data-testid="provisioning-step" className="muted">
            {tenant.status === 'active'
              ? "L'établissement est opérationnel."
              : provisioningStepLabel(tenant.provisioning.step)}
          </p>
        )}
        {tenant.provisioning.error ? (
          <div className="alert alert--error" role="alert">
            La mise en service a échoué : {tenant.provisioning.error}
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title" style={{ marginTop: 0 }}>
          Informations
        </h2>
        <dl className="details">
          <dt>Identifiant</dt>
          <dd>
            <code>{tenant.slug}</code>
          </dd>
          <dt>FINESS juridique</dt>
          <dd>{tenant.finess ?? '—'}</dd>
          <dt>SIRET</dt>
          <dd>{tenant.siret ?? '—'}</dd>
          <dt>Créé le</dt>
          <dd>{formatDateTime(tenant.createdAt)}</dd>
        </dl>
      </section>

      {tenant.status === 'active' ? <Hl7Ports slug={tenant.slug} /> : null}

      <p>
        <Link
          href={`/admin/etablissements/${encodeURIComponent(tenant.slug)}/cles-api`}
          className="button button--secondary"
        >
          Clés d'API
        </Link>
      </p>
    </>
  );
}
