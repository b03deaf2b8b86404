import type { IncomingMessage, ServerResponse } from 'node:http';
import { readMatricule } from './matricule.ts';
import type { DmpDocumentStatus, StoredDmpDocument } from './server.ts';
import { INS_OIDS } from './vihf-check.ts';

/**
 * TD0.9 — accès web-PS contextuel (national-services.md §1.8).
 *
 * RAYON'S HYPOTHESIS, pending GI DMP §TD0.9: the exact URL and form fields of the contextual
 * access were not found in any public source. Rayon assumes an HTTPS form POST
 * (`application/x-www-form-urlencoded`) from the professional's browser to the web-PS carrying the
 * patient's INS and the page asked (tableau de bord vs dossier patient). The professional
 * authenticates at the web-PS by their own means (Pro Santé Connect or CPS card): no VIHF is sent
 * (the organisation certificate is the worker's only). The field names below are Rayon's; they are
 * kept here, and in the portal's `components/patients/dmp-web-ps.tsx`, and nowhere else.
 */
export const WEB_PS_PATH = '/web-ps';
export const WEB_PS_FIELDS = {
  /** Matricule INS (NIR or NIA), 15 characters with its 2-digit key. */
  ins: 'ins',
  /** OID of the INS assigning authority (NIR, NIA, test, demo). */
  insOid: 'ins_oid',
  /** Target page of the web-PS: one of WEB_PS_PAGES. */
  page: 'page',
} as const;
export const WEB_PS_PAGES = ['dossier-patient', 'tableau-de-bord'] as const;
export type WebPsPage = (typeof WEB_PS_PAGES)[number];

export interface WebPsRequest {
  ins: { matricule: string; oid: string };
  page: WebPsPage;
}

const MAX_FORM_BYTES = 16 * 1024;
const PAGE_LABELS: Record<WebPsPage, string> = {
  'dossier-patient': 'Dossier patient',
  'tableau-de-bord': 'Tableau de bord du professionnel',
};
const STATUS_LABELS: Record<DmpDocumentStatus, string> = {
  approved: 'Validé',
  deprecated: 'Remplacé (version antérieure)',
  deleted: 'Supprimé',
};
const MATRICULE_REASONS = {
  length: 'le matricule INS comporte 15 caractères (13 + clé de contrôle)',
  format: "le matricule INS n'a pas la structure d'un NIR ou d'un NIA",
  key: 'la clé de contrôle du matricule INS ne correspond pas',
} as const;

const esc = (v: string) =>
  v
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * Checks the posted form. Returns the request, or the wrong fields with a French reason each.
 * A field given twice is wrong; unknown fields are ignored.
 */
export function parseWebPsForm(
  form: URLSearchParams,
): { ok: true; request: WebPsRequest } | { ok: false; errors: { field: string; message: string }[] } {
  const errors: { field: string; message: string }[] = [];
  const one = (field: string): string | undefined => {
    const values = form.getAll(field);
    if (values.length === 0 || values[0] === '') {
      errors.push({ field, message: 'champ absent' });
      return undefined;
    }
    if (values.length > 1) {
      errors.push({ field, message: 'champ présent plusieurs fois' });
      return undefined;
    }
    return values[0];
  };
  const insValue = one(WEB_PS_FIELDS.ins);
  const oid = one(WEB_PS_FIELDS.insOid);
  const page = one(WEB_PS_FIELDS.page);
  let matricule: string | undefined;
  if (insValue !== undefined) {
    // Exactly 15 characters as sent (no spaces), then the simulator's own NIR/NIA check (2A/2B, key).
    const check = readMatricule(insValue);
    if (insValue.length !== 15) {
      errors.push({ field: WEB_PS_FIELDS.ins, message: MATRICULE_REASONS.length });
    } else if (!check.valid) {
      errors.push({ field: WEB_PS_FIELDS.ins, message: MATRICULE_REASONS[check.reason] });
    } else {
      matricule = check.matricule;
    }
  }
  if (oid !== undefined && !INS_OIDS.includes(oid)) {
    errors.push({
      field: WEB_PS_FIELDS.insOid,
      message: `OID d'autorité d'affectation de l'INS inconnu (attendu : ${INS_OIDS.join(', ')})`,
    });
  }
  if (page !== undefined && !(WEB_PS_PAGES as readonly string[]).includes(page)) {
    errors.push({
      field: WEB_PS_FIELDS.page,
      message: `page inconnue (attendu : ${WEB_PS_PAGES.join(' ou ')})`,
    });
  }
  if (errors.length > 0 || matricule === undefined || oid === undefined || page === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, request: { ins: { matricule, oid }, page: page as WebPsPage } };
}

/** `YYYYMMDD[HHMM[SS]]` (XDS DTM) → `JJ/MM/AAAA`. */
function dtmDate(dtm: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(dtm);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : dtm || '—';
}

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="fr"><head><meta charset="utf-8">` +
    `<title>${esc(title)}</title>` +
    `<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}` +
    `table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}` +
    `.erreur{color:#a00}</style></head><body>` +
    `<h1>${esc(title)}</h1>` +
    `<p><small>Simulateur local de l'accès web-PS contextuel (TD0.9) ; champs et pages selon l'hypothèse de Rayon, en attente du guide d'intégration DMP.</small></p>` +
    body +
    `</body></html>`
  );
}

export const WEB_PS_TITLE = 'DMP — accès web-PS (simulateur)';

/** The 200 page: the page asked, the patient's INS and, for the dossier, its documents. */
export function renderWebPsPage(
  request: WebPsRequest,
  documents: readonly StoredDmpDocument[],
  hasDmp: boolean,
): string {
  const { ins } = request;
  let body =
    `<section data-page="${esc(request.page)}"><h2>${esc(PAGE_LABELS[request.page])}</h2>` +
    `<dl><dt>Matricule INS</dt><dd data-testid="web-ps-ins"><code>${esc(ins.matricule)}</code></dd>` +
    `<dt>OID</dt><dd><code>${esc(ins.oid)}</code></dd>` +
    `<dt>DMP</dt><dd>${hasDmp ? 'ouvert' : 'aucun DMP connu du simulateur pour cet INS'}</dd></dl>`;
  if (request.page === 'dossier-patient') {
    body +=
      documents.length === 0
        ? `<p data-testid="web-ps-documents">Aucun document</p>`
        : `<table data-testid="web-ps-documents"><thead><tr><th scope="col">Titre</th><th scope="col">Date</th><th scope="col">Statut</th></tr></thead><tbody>` +
          documents
            .map(
              (d) =>
                `<tr><td>${esc(d.title)}</td><td>${esc(dtmDate(d.serviceStartTime || d.creationTime))}</td>` +
                `<td>${esc(STATUS_LABELS[d.status] ?? d.status)}</td></tr>`,
            )
            .join('') +
          `</tbody></table>`;
  } else {
    body += `<p>Tableau de bord simulé : les patients et documents récents du professionnel ne sont pas reproduits.</p>`;
  }
  return page(WEB_PS_TITLE, `${body}</section>`);
}

export function renderWebPsError(errors: readonly { field: string; message: string }[]): string {
  return page(
    WEB_PS_TITLE,
    `<p class="erreur">Requête refusée :</p><ul class="erreur">` +
      errors.map((e) => `<li>Champ « ${esc(e.field)} » : ${esc(e.message)}</li>`).join('') +
      `</ul>`,
  );
}

function send(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    ...headers,
  });
  res.end(html);
}

/**
 * POST /web-ps on the admin listener. 405 for another method, 415 for another content type,
 * 413 above 16 KiB, 400 naming the wrong fields, else 200. Never throws on a malformed body.
 */
export async function handleWebPs(
  req: IncomingMessage,
  res: ServerResponse,
  lookup: (ins: { matricule: string; oid: string }) => { documents: StoredDmpDocument[]; hasDmp: boolean },
): Promise<void> {
  if (req.method !== 'POST') {
    req.resume();
    send(res, 405, renderWebPsError([{ field: 'méthode', message: 'seule la méthode POST est acceptée' }]), {
      Allow: 'POST',
    });
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    req.resume();
    send(
      res,
      415,
      renderWebPsError([
        { field: 'Content-Type', message: 'formulaire application/x-www-form-urlencoded attendu' },
      ]),
    );
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) {
      send(res, 413, renderWebPsError([{ field: 'corps', message: 'formulaire trop volumineux' }]), {
        Connection: 'close',
      });
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  // URLSearchParams never throws: bad percent-escapes stay as they are, bad UTF-8 becomes U+FFFD.
  const parsed = parseWebPsForm(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
  if (!parsed.ok) {
    send(res, 400, renderWebPsError(parsed.errors));
    return;
  }
  const { documents, hasDmp } = lookup(parsed.request.ins);
  send(res, 200, renderWebPsPage(parsed.request, documents, hasDmp));
}
