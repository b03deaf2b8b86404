/**
 * `pnpm db:audit-check`: recomputes the audit hash chain of every practice (and the platform's)
 * and prints one line per chain; exits 1 when any chain is broken (an event rewritten, removed or
 * relinked). Reads RAYON_DATABASE_URL (the application role: it only reads the audit trail).
 */
import { Database, verifyAuditChains } from '../src/index.ts';

const url = process.env.RAYON_DATABASE_URL;
if (!url) {
  console.error('RAYON_DATABASE_URL is not set');
  process.exit(2);
}
const db = new Database({ url, max: 1, applicationName: 'rayon-audit-check' });
const chains = await db.platform((tx) => verifyAuditChains(tx));
await db.close();
for (const c of chains) {
  const name = c.tenantId ?? 'platform';
  console.log(
    c.broken
      ? `chain ${name}: BROKEN at event #${c.broken.seq} (id ${c.broken.id}): ${c.broken.reason}`
      : `chain ${name}: ${c.events} events, intact`,
  );
}
const broken = chains.filter((c) => c.broken).length;
console.log(`summary: ${chains.length} chains, ${broken} broken`);
process.exit(broken > 0 ? 1 : 0);
