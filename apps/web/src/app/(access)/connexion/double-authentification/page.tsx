import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import QRCode from 'qrcode';
import { apiErrorInfo, createApiClient } from '../../../../server/api.ts';
import { confirmEnrolmentAction } from '../actions.ts';
import { CodeForm } from '../code-form.tsx';
import { pendingSignIn } from '../pending.ts';

export const metadata: Metadata = { title: 'Activer la double authentification', referrer: 'no-referrer' };

/**
 * Enrolment of the second factor, required before the first session (administrators, and every
 * member of a practice that asks for it): a new key as a QR code and as text, then a first code.
 */
export default async function EnrolmentPage() {
  const pending = await pendingSignIn();
  if (!pending) redirect('/connexion?etape=expiree');
  if (pending.step === 'totp') redirect('/connexion/verification');
  let enrolment: { otpauthUri: string; secretBase32: string };
  try {
    enrolment = await createApiClient().auth.totpEnrolment.mutate({ pendingToken: pending.token });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'UNAUTHORIZED') redirect('/connexion?etape=expiree');
    if (info?.reason === 'auth.totp_already_enrolled') redirect('/connexion/verification');
    throw error;
  }
  const svg = await QRCode.toString(enrolment.otpauthUri, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
  });
  const groups = enrolment.secretBase32.match(/.{1,4}/g) ?? [];
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Activer la double authentification</h1>
        <p>
          Votre compte <strong>{pending.email}</strong> doit être protégé par un second facteur&nbsp;: un code
          à 6 chiffres qui change toutes les 30 secondes, donné par une application d&apos;authentification
          (FreeOTP, Google Authenticator, Microsoft Authenticator, 2FAS…).
        </p>
        <ol className="stack">
          <li>
            Dans l&apos;application, ajoutez un compte en scannant ce QR code&nbsp;:
            <div className="totp-qr">
              <img
                src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`}
                alt="QR code de la clé de double authentification"
                width={200}
                height={200}
                data-testid="totp-qr"
              />
            </div>
          </li>
          <li>
            ou saisissez la clé à la main (type «&nbsp;basé sur le temps&nbsp;»)&nbsp;:
            <p className="totp-secret" data-testid="totp-secret">
              {groups.map((g, i) => (
                <span key={i}>{g}</span>
              ))}
            </p>
          </li>
          <li>Saisissez ci-dessous le code affiché par l&apos;application.</li>
        </ol>
        <CodeForm action={confirmEnrolmentAction} submitLabel="Activer" />
        <p className="muted">
          <Link href="/connexion" prefetch={false}>
            Revenir à la connexion
          </Link>
        </p>
      </div>
    </main>
  );
}
