/**
 * Starts the Pro Santé Connect simulator on its own:
 *
 *   tsx infra/simulators/psc/src/main.ts
 *
 * Environment (all optional):
 *   PSC_SIM_PORT              port (default 4306; 0 = any free port)
 *   PSC_SIM_HOST              listen address (default 127.0.0.1)
 *   PSC_SIM_CLIENT_ID         the one client registered (default rayon)
 *   PSC_SIM_CLIENT_SECRET     its secret, client_secret_basic (default rayon-psc-secret)
 *   PSC_SIM_REDIRECT_URI      its redirect_uri (default http://127.0.0.1:4301/auth/psc/callback)
 *   PSC_SIM_POST_LOGOUT_URI   its post_logout_redirect_uri (default http://127.0.0.1:4300/)
 *   PSC_SIM_BACKCHANNEL_URI   its backchannel_logout_uri (none by default)
 */
import { startPscSimulator } from './index.ts';

const env = process.env;
const sim = await startPscSimulator({
  port: Number(env.PSC_SIM_PORT ?? 4306),
  host: env.PSC_SIM_HOST ?? '127.0.0.1',
  clients: [
    {
      clientId: env.PSC_SIM_CLIENT_ID ?? 'rayon',
      clientSecret: env.PSC_SIM_CLIENT_SECRET ?? 'rayon-psc-secret',
      redirectUris: [env.PSC_SIM_REDIRECT_URI ?? 'http://127.0.0.1:4301/auth/psc/callback'],
      postLogoutRedirectUris: [env.PSC_SIM_POST_LOGOUT_URI ?? 'http://127.0.0.1:4300/'],
      ...(env.PSC_SIM_BACKCHANNEL_URI ? { backchannelLogoutUri: env.PSC_SIM_BACKCHANNEL_URI } : {}),
    },
  ],
});
console.log(`psc-sim: issuer ${sim.issuer}`);
console.log(`psc-sim: discovery ${sim.discoveryUrl}`);

const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
