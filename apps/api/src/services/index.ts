import { createDelivery } from '@rayon/delivery';
import { createInbound } from '@rayon/inbound';
import { createOnboarding } from '@rayon/onboarding';
import { createScheduling } from '@rayon/scheduling';
import { randomToken, sameHash, sha256 } from '../auth/secrets.ts';
import { createAuthService } from './auth.ts';
import type { Deps } from './deps.ts';
import { createPasswordService } from './passwords.ts';
import { createIdentity } from '@rayon/identity';
import { createReporting } from '@rayon/reporting';
import { createSessionService } from './sessions.ts';
import { createSecurityService } from './security.ts';
import { createStaffService, deliverInvitation, INVITATION_TTL_MS } from './staff.ts';

export function createServices(deps: Deps) {
  const staff = createStaffService(deps);
  const auth = createAuthService(deps, staff);
  return {
    db: deps.db,
    auth,
    passwords: createPasswordService(deps, { clearSignInThrottle: auth.clearSignInThrottle }),
    sessions: createSessionService(deps),
    security: createSecurityService(deps),
    staff,
    onboarding: createOnboarding({
      db: deps.db,
      secretsKey: deps.secretsKey,
      hl7Platform: deps.hl7Platform,
      tokens: { randomToken, sha256, sameHash },
      invitations: { ttlMs: INVITATION_TTL_MS, deliver: (o) => deliverInvitation(deps, o) },
      replayInboundMessage: createInbound({ db: deps.db }).replay,
    }),
    scheduling: createScheduling(deps),
    reporting: createReporting(deps),
    delivery: createDelivery(deps),
    identity: createIdentity(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
export type { Deps } from './deps.ts';
