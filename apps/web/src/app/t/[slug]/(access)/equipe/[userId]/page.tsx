import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { equipePath, lastSignInText, rolesText } from '../../../../../../lib/staff.ts';
import { practiceContext } from '../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { MemberLifecycle, ProfileForm, RolesForm, SecondFactorReset } from '../forms.tsx';
import { concernsSigning, MemberState, SignerStatus } from '../signer.tsx';

export const metadata: Metadata = { title: 'Membre de l’équipe' };

type Params = Promise<{ slug: string; userId: string }>;

/** One member of the team: roles, signer profile, deactivation. */
export default async function MemberPage({ params }: { params: Params }) {
  const { slug, userId } = await params;
  const { me, has } = await practiceContext(slug);
  if (!has('practice_admin')) notFound();
  const api = await apiForSession({ tenantSlug: slug });
  const { members } = await load(() => api.staff.list.query());
  const m = members.find((x) => x.userId === userId);
  if (!m) notFound();
  const self = m.userId === me.user.id;
  return (
    <>
      <p className="small">
        <Link href={equipePath(slug)}>← Équipe</Link>
      </p>
      <h1>
        {m.displayName}
        {self ? <span className="muted small"> (vous)</span> : null}
      </h1>
      <section className="card card--form" aria-labelledby="member-title" data-testid="member">
        <h2 id="member-title" className="card__title">
          Compte
        </h2>
        <dl className="details member-details">
          <dt>Adresse e-mail</dt>
          <dd className="member-details__email">{m.email}</dd>
          <dt>Rôles</dt>
          <dd data-testid="member-roles">{rolesText(m.roles)}</dd>
          <dt>État</dt>
          <dd>
            <MemberState member={m} />
          </dd>
          <dt>Dernière connexion</dt>
          <dd data-testid="member-last-sign-in">{lastSignInText(m.lastSignInAt)}</dd>
          <dt>Signature des comptes rendus</dt>
          <dd>
            <SignerStatus member={m} />
          </dd>
        </dl>
        {self ? null : (
          <div className="section-gap row-actions member-actions">
            <MemberLifecycle
              slug={slug}
              userId={m.userId}
              name={m.displayName}
              active={m.active}
              self={self}
            />
            <SecondFactorReset slug={slug} userId={m.userId} name={m.displayName} />
          </div>
        )}
      </section>

      <section className="card card--form" aria-labelledby="roles-title">
        <h2 id="roles-title" className="card__title">
          Rôles
        </h2>
        <RolesForm slug={slug} userId={m.userId} name={m.displayName} roles={m.roles} />
      </section>

      <section className="card card--form" aria-labelledby="profile-title">
        <h2 id="profile-title" className="card__title">
          Signature des comptes rendus
        </h2>
        {concernsSigning(m) ? (
          <ProfileForm slug={slug} userId={m.userId} name={m.displayName} profile={m.profile} />
        ) : (
          <p className="muted">
            Le profil de signataire (civilité, nom et prénom d&apos;exercice, RPPS) concerne les radiologues
            et les internes : donnez d&apos;abord ce rôle.
          </p>
        )}
      </section>
    </>
  );
}
