import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatDateTime } from '../../../../../lib/labels.ts';
import { equipePath, lastSignInText, rolesText } from '../../../../../lib/staff.ts';
import { practiceContext } from '../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import { InvitationActions, InviteForm, MemberLifecycle } from './forms.tsx';
import { MemberState, SignerStatus } from './signer.tsx';

export const metadata: Metadata = { title: 'Équipe' };

type Params = Promise<{ slug: string }>;

/** The practice's team: members and their roles, signing profiles, invitations. */
export default async function EquipePage({ params }: { params: Params }) {
  const { slug } = await params;
  const { me, has } = await practiceContext(slug);
  if (!has('practice_admin')) notFound();
  const api = await apiForSession({ tenantSlug: slug });
  const { members, invitations } = await load(() => api.staff.list.query());
  return (
    <>
      <h1>Équipe</h1>
      <p className="muted">
        Les membres de l&apos;établissement, leurs rôles et leur profil de signataire ; les invitations en
        cours.
      </p>
      <p>
        <Link href={`/t/${encodeURIComponent(slug)}/equipe/connexions`} data-testid="sign-in-journal-link">
          Journal des connexions et règles de connexion
        </Link>
      </p>

      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title" className="card__title">
          Membres
        </h2>
        <div className="table-wrap">
          <table className="table table--compact table--stacked members-table" data-testid="members">
            <thead>
              <tr>
                <th scope="col">Membre</th>
                <th scope="col">Rôles</th>
                <th scope="col">État</th>
                <th scope="col">Dernière connexion</th>
                <th scope="col">Signature des comptes rendus</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const self = m.userId === me.user.id;
                return (
                  <tr
                    key={m.userId}
                    data-testid={`member-${m.email}`}
                    className={m.active ? undefined : 'muted'}
                  >
                    <td>
                      <strong>{m.displayName}</strong>
                      {self ? <span className="muted"> (vous)</span> : null}
                      <br />
                      <span className="small break-anywhere">{m.email}</span>
                    </td>
                    <td data-label="Rôles" data-testid="member-roles">
                      {rolesText(m.roles)}
                    </td>
                    <td data-label="État">
                      <MemberState member={m} />
                    </td>
                    <td data-label="Dernière connexion" data-testid="member-last-sign-in">
                      {lastSignInText(m.lastSignInAt)}
                    </td>
                    <td data-label="Signature des comptes rendus">
                      <SignerStatus member={m} />
                    </td>
                    <td data-label="Actions">
                      <div className="row-actions">
                        <Link
                          href={`${equipePath(slug)}/${m.userId}`}
                          className="button button--secondary button--small"
                          aria-label={`Modifier ${m.displayName}`}
                        >
                          Modifier
                        </Link>
                        {self ? null : (
                          <MemberLifecycle
                            slug={slug}
                            userId={m.userId}
                            name={m.displayName}
                            active={m.active}
                            self={self}
                          />
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-labelledby="invitations-title">
        <h2 id="invitations-title" className="card__title">
          Invitations en cours
        </h2>
        {invitations.length === 0 ? (
          <p className="muted" data-testid="no-invitations">
            Aucune invitation en attente.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact table--stacked" data-testid="invitations">
              <thead>
                <tr>
                  <th scope="col">Invité</th>
                  <th scope="col">Rôles</th>
                  <th scope="col">Envoi</th>
                  <th scope="col">Expiration</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.id} data-testid={`invitation-${i.email}`}>
                    <td>
                      <strong>{i.displayName}</strong>
                      <br />
                      <span className="small break-anywhere">{i.email}</span>
                      {i.existingAccount ? (
                        <>
                          <br />
                          <span className="small muted">A déjà un compte Rayon</span>
                        </>
                      ) : null}
                    </td>
                    <td data-label="Rôles">{rolesText(i.roles)}</td>
                    <td data-label="Envoi" data-testid="invitation-sending">
                      {i.sendError ? (
                        <span className="field-error">Erreur d&apos;envoi : {i.sendError}</span>
                      ) : i.sentAt ? (
                        <>Envoyée le {formatDateTime(i.sentAt)}</>
                      ) : (
                        <span className="muted">Non envoyée (lien transmis à la main)</span>
                      )}
                    </td>
                    <td data-label="Expiration" data-testid="invitation-expiry">
                      {i.expired ? (
                        <span className="badge badge--failed">Expirée</span>
                      ) : (
                        <>Expire le {formatDateTime(i.expiresAt)}</>
                      )}
                    </td>
                    <td data-label="Actions">
                      <InvitationActions slug={slug} id={i.id} email={i.email} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title" className="card__title">
          Inviter un membre
        </h2>
        <p className="muted">
          La personne reçoit par courriel un lien valable 7 jours. Si son adresse a déjà un compte Rayon, elle
          se connecte avec son mot de passe pour accepter ; sinon elle choisit le sien.
        </p>
        <InviteForm slug={slug} />
      </section>
    </>
  );
}
