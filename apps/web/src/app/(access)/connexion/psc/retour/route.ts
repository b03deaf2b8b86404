import { NextResponse, type NextRequest } from 'next/server';
import { PSC_UNLINKED_PATH, pscReasonParam, withPscReason } from '../../../../../lib/psc.ts';
import { safeReturnPath } from '../../../../../lib/return-path.ts';
import { apiErrorInfo, createApiClient } from '../../../../../server/api.ts';
import { rememberUnlinkedProfessional, takePscFlow } from '../../../../../server/psc.ts';
import { portalOrigin, signInClient } from '../../../../../server/request.ts';
import { carryApiSession } from '../../../../../server/sign-in.ts';

/**
 * PSC's redirect_uri: the query string (code and state, or error) goes to the API as received,
 * with the flow token of this browser's cookie; the API does the OpenID Connect exchange and every
 * check (state, nonce, PKCE, acr eidas1, id_token), and says what happened. The flow cookie is
 * deleted at once: a callback address used twice finds no flow (`flow_expired`), as the API
 * itself would say for a flow already completed.
 */
export async function GET(request: NextRequest) {
  const origin = await portalOrigin();
  const to = (path: string) => NextResponse.redirect(new URL(path, origin), 303);
  const flow = await takePscFlow();
  if (!flow) return to(withPscReason('/connexion', 'flow_expired'));

  let result;
  try {
    result = await createApiClient(await signInClient()).auth.pscComplete.mutate({
      flowToken: flow.flowToken,
      query: new URL(request.url).search,
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (!info) throw error;
    const reason = pscReasonParam(info.reason);
    if (reason === 'failed') console.error('[psc] callback refused', info.code, info.reason);
    return to(withPscReason(flow.back, reason));
  }

  switch (result.status) {
    case 'signed_in': {
      const carried = await carryApiSession('pro-sante-connect', result);
      if (!carried) return to(withPscReason(flow.back, 'failed'));
      return to(safeReturnPath(result.returnTo) ?? '/');
    }
    case 'linked':
      return to('/compte?psc=liee');
    case 'unlinked':
      // The name only, for the page to greet the professional: the national id stays out of the
      // address and of the portal's cookies.
      await rememberUnlinkedProfessional(result.professional.displayName);
      return to(PSC_UNLINKED_PATH);
  }
}
