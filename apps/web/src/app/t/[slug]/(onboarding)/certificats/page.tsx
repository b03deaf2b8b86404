import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ConfirmButton } from '../../../../../components/confirm-button.tsx';
import { certificatePurposeLabel, formatDate, formatDateTime } from '../../../../../lib/labels.ts';
import { practiceContext } from '../../../../../server/practice.ts';
import type { ApiClient } from '../../../../../server/api.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import { revokeCertificateAction } from './actions.ts';
import { UploadCertificateForm } from './upload-form.tsx';

export const metadata: Metadata = { title: 'Certificats' };

/** A certificate as the API lists it (never its private key). */
type Certificate = Awaited<ReturnType<ApiClient['onboarding']['certificates']['list']['query']>>[number];

/** A distinguished name as usually written: CN=INSI-MANU, OU=1234567890, O=…, C=FR. */
function distinguishedName(dn: Record<string, string>): string {
  const order = ['CN', 'OU', 'organizationIdentifier', 'O', 'L', 'ST', 'C'];
  const keys = Object.keys(dn).sort(
    (a, b) => (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1),
  );
  return keys.map((k) => `${k}=${dn[k]}`).join(', ') || '—';
}

type Params = Promise<{ slug: string }>;

/** The fingerprint as OpenSSL prints it, in two lines of 16 bytes. */
function fingerprintLines(hex: string): string[] {
  const bytes =
    hex
      .replace(/[^0-9a-f]/gi, '')
      .toUpperCase()
      .match(/.{2}/g) ?? [];
  return [bytes.slice(0, 16).join(':'), bytes.slice(16).join(':')].filter(Boolean);
}

function stateOf(c: Certificate, now: number) {
  if (c.revokedAt)
    return { label: 'Retiré', tone: 'other', title: `Retiré le ${formatDateTime(c.revokedAt)}` };
  if (Date.parse(c.notAfter) < now) return { label: 'Expiré', tone: 'failed', title: undefined };
  if (Date.parse(c.notBefore) > now)
    return { label: 'Pas encore valide', tone: 'provisioning', title: undefined };
  if (Date.parse(c.notAfter) - now < 30 * 24 * 3600 * 1000) {
    return { label: 'Expire bientôt', tone: 'provisioning', title: undefined };
  }
  return { label: 'Actif', tone: 'active', title: undefined };
}

export default async function CertificatesPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { has } = await practiceContext(slug);
  if (!has('practice_admin')) notFound();
  const api = await apiForSession({ tenantSlug: slug });
  const certificates = await load(() => api.onboarding.certificates.list.query());
  const revoke = revokeCertificateAction.bind(null, slug);
  const now = Date.now();

  return (
    <>
      <h1>Certificats</h1>
      <p className="muted">
        Certificats d'organisation (IGC-Santé) de l'établissement, utilisés pour appeler les téléservices
        nationaux, dont INSi. La clé privée est conservée chiffrée et n'est jamais affichée ni téléchargeable.
      </p>

      {certificates.length === 0 ? (
        <div className="card empty" data-testid="certificates-empty">
          Aucun certificat installé : l'appel à INSi n'est pas possible.
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="certificates">
            <thead>
              <tr>
                <th scope="col">Usage</th>
                <th scope="col">Certificat</th>
                <th scope="col">Validité</th>
                <th scope="col">État</th>
                <th scope="col">
                  <span className="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {certificates.map((c) => {
                const state = stateOf(c, now);
                return (
                  <tr key={c.id}>
                    <td>{certificatePurposeLabel(c.purpose)}</td>
                    <td className="certificate">
                      <div>
                        <strong>{c.subjectCn}</strong>
                      </div>
                      <div className="muted small">Sujet : {distinguishedName(c.subject)}</div>
                      <div className="muted small">Émetteur : {distinguishedName(c.issuer)}</div>
                      <div className="muted small">
                        N° de série : <code>{c.serialNumber}</code>
                      </div>
                      <div className="muted small">
                        Empreinte SHA-256 :{' '}
                        {fingerprintLines(c.fingerprintSha256).map((line) => (
                          <code key={line} className="fingerprint">
                            {line}
                          </code>
                        ))}
                      </div>
                      <div className="muted small">Installé le {formatDateTime(c.createdAt)}</div>
                    </td>
                    <td className="nowrap">
                      du {formatDate(c.notBefore)}
                      <br />
                      au {formatDate(c.notAfter)}
                    </td>
                    <td>
                      <span className={`badge badge--${state.tone}`} title={state.title}>
                        {state.label}
                      </span>
                    </td>
                    <td>
                      {c.revokedAt ? null : (
                        <form action={revoke}>
                          <input type="hidden" name="id" value={c.id} />
                          <ConfirmButton
                            question={`Retirer le certificat « ${c.subjectCn} » ? Les appels qui l'utilisent échoueront jusqu'à l'installation d'un autre certificat.`}
                          >
                            Retirer
                          </ConfirmButton>
                        </form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      <section className="card card--form section-gap" aria-labelledby="upload-title">
        <h2 id="upload-title" className="card__title">
          Installer un certificat
        </h2>
        <p className="muted">
          Le certificat remplace celui du même usage. Le fichier et son mot de passe ne sont pas conservés :
          seuls le certificat et sa clé privée, chiffrée, le sont.
        </p>
        <UploadCertificateForm slug={slug} />
      </section>
    </>
  );
}
