import { NextResponse, type NextRequest } from 'next/server';
import { withPscReason } from '../../../../lib/psc.ts';
import { safeReturnPath } from '../../../../lib/return-path.ts';
import { portalOrigin } from '../../../../server/request.ts';
import { beginPscFlow, PscBeginRefused } from '../../../../server/psc.ts';

/**
 * « Se connecter avec Pro Santé Connect »: starts a sign-in flow at the API and sends the browser
 * to PSC's authorization endpoint (303), the flow token kept in an httpOnly cookie for the
 * callback (connexion/psc/retour). `?suite=` is a path of the portal to go back to afterwards.
 *
 * Why a GET reached by a link rather than a form: the portal's CSP says `form-action 'self'`, and
 * Chromium applies form-action to every redirect that follows a form submission, so a form whose
 * answer redirects to PSC's origin would be blocked (without JavaScript; with it, Next's client
 * follows a Server Action's redirect by assigning the location, which form-action does not
 * govern). A link is a plain navigation: no CSP directive applies, and no PSC origin has to be
 * configured in the portal. Linking an e-CPS and accepting an invitation need the CGU checkbox,
 * hence a form: those are Server Actions (compte/psc-actions.ts, invitation/[token]/actions.ts).
 */
export async function GET(request: NextRequest) {
  const origin = await portalOrigin();
  const suite = safeReturnPath(request.nextUrl.searchParams.get('suite'));
  const back = suite ? `/connexion?${new URLSearchParams({ suite })}` : '/connexion';
  let authorizationUrl: string;
  try {
    // A return path longer than the API keeps is dropped rather than refused.
    const returnTo = suite && suite.length <= 500 ? suite : null;
    authorizationUrl = await beginPscFlow({ purpose: 'sign_in', returnTo, back });
  } catch (error) {
    if (error instanceof PscBeginRefused) {
      return NextResponse.redirect(new URL(withPscReason(back, error.reason), origin), 303);
    }
    throw error;
  }
  return NextResponse.redirect(authorizationUrl, 303);
}
