/**
 * Starts the mail catcher on its own (the quick start starts it inside `./rayon up`):
 *
 *   tsx infra/simulators/mail/src/main.ts
 *
 * Environment (all optional):
 *   MAIL_SIM_SMTP_PORT  SMTP port (default 4304; 0 = any free port)
 *   MAIL_SIM_HTTP_PORT  HTTP port of the page and GET /messages (default 4305)
 *   MAIL_SIM_HOST       listen address (default 127.0.0.1)
 *
 * Point the API at it with RAYON_SMTP_URL=<the SMTP URL printed>.
 */
import { startMailCatcher } from './index.ts';

const env = process.env;
const catcher = await startMailCatcher({
  smtpPort: Number(env.MAIL_SIM_SMTP_PORT ?? 4304),
  httpPort: Number(env.MAIL_SIM_HTTP_PORT ?? 4305),
  host: env.MAIL_SIM_HOST ?? '127.0.0.1',
});
console.log(`mail-sim: SMTP on ${catcher.smtpUrl}, courriels envoyés : ${catcher.httpUrl}/`);

const stop = () => {
  void catcher.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
