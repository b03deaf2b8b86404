import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { distributionFormValues } from '../../../../../../lib/delivery.ts';
import { formatDateTime } from '../../../../../../lib/labels.ts';
import { REPORT_READER_ROLES, reportsPath, TEMPLATE_EDITOR_ROLES } from '../../../../../../lib/reports.ts';
import { practiceContext } from '../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { DistributionSettingsForm } from './distribution-settings-form.tsx';
import { DocumentSettingsForm } from './document-settings-form.tsx';
import { TemplateForm } from './template-form.tsx';

export const metadata: Metadata = { title: 'Modèles de compte rendu' };

type Params = Promise<{ slug: string }>;

/** The practice's report templates (per catalogue entry or for all exams), and a new one. */
export default async function TemplatesPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { has } = await practiceContext(slug);
  const admin = has('practice_admin');
  if (!has(...REPORT_READER_ROLES)) notFound();
  const editor = has(...TEMPLATE_EDITOR_ROLES);
  const api = await apiForSession({ tenantSlug: slug });
  const [templates, examTypes, settings, sites, distribution] = await Promise.all([
    load(() => api.reporting.templates.list.query()),
    load(() => api.scheduling.examTypes.list.query()),
    load(() => api.reporting.settings.get.query()),
    load(() => api.onboarding.sites.list.query()),
    admin ? load(() => api.delivery.settings.get.query()) : Promise.resolve(null),
  ]);
  const typeLabel = (id: string | null) =>
    id ? (examTypes.find((t) => t.id === id)?.label ?? '—') : 'Tous les examens';
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <Link href={reportsPath(slug)}>Comptes rendus</Link> › Modèles
      </nav>
      <h1>Modèles de compte rendu</h1>
      <p className="muted">
        Un modèle pré-remplit le texte du compte rendu au moment de « Rédiger » ; celui de l&apos;examen du
        catalogue est proposé d&apos;office.
      </p>
      <section className="card" aria-labelledby="templates-title">
        <h2 id="templates-title" className="card__title">
          Modèles
        </h2>
        {templates.length === 0 ? (
          <p className="empty" data-testid="templates-empty">
            Aucun modèle.
          </p>
        ) : (
          <ul className="list-plain versions" data-testid="templates">
            {templates.map((t) => (
              <li key={t.id}>
                <div className="versions__head">
                  <strong>{t.name}</strong>
                  <span className="muted small">
                    {typeLabel(t.examTypeId)} · créé le {formatDateTime(t.createdAt)}
                  </span>
                </div>
                <details className="disclosure">
                  <summary>Texte du modèle</summary>
                  <pre className="report-text">{t.body || '(vide)'}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>
      {editor ? (
        <section className="card" aria-labelledby="new-template-title">
          <h2 id="new-template-title" className="card__title">
            Nouveau modèle
          </h2>
          <TemplateForm slug={slug} examTypes={examTypes.map((t) => ({ value: t.id, label: t.label }))} />
        </section>
      ) : null}
      {admin ? (
        <section className="card" aria-labelledby="layout-title">
          <h2 id="layout-title" className="card__title">
            Mise en page des documents
          </h2>
          <DocumentSettingsForm
            slug={slug}
            rgpdNotice={settings.rgpdNotice}
            sites={sites.map((s) => ({ id: s.id, name: s.name, letterhead: s.letterhead }))}
          />
        </section>
      ) : null}
      {admin && distribution ? (
        <section className="card" aria-labelledby="distribution-title">
          <h2 id="distribution-title" className="card__title">
            Diffusion des comptes rendus
          </h2>
          <p className="muted small">
            Dès sa validation, chaque compte rendu part sans autre clic vers les destinataires choisis ici ;
            une correction les remplace partout où la version précédente est allée. Les certificats de la
            structure (DMP, MSSanté) se déposent dans la page Certificats.
          </p>
          <DistributionSettingsForm slug={slug} initial={distributionFormValues(distribution)} />
        </section>
      ) : null}
    </>
  );
}
