import { createAccess, randomToken, sameHash, sha256 } from '@rayon/access';
import { createDelivery } from '@rayon/delivery';
import { createIdentity } from '@rayon/identity';
import { createInbound } from '@rayon/inbound';
import { createOnboarding } from '@rayon/onboarding';
import { createReporting } from '@rayon/reporting';
import { createScheduling } from '@rayon/scheduling';
import type { Deps } from './deps.ts';

export function createServices(deps: Deps) {
  const access = createAccess(deps);
  return {
    db: deps.db,
    access,
    onboarding: createOnboarding({
      db: deps.db,
      secretsKey: deps.secretsKey,
      hl7Platform: deps.hl7Platform,
      tokens: { randomToken, sha256, sameHash },
      invitations: access.invitations,
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
