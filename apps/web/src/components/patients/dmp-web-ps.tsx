import { formatMatricule } from '../../lib/labels.ts';

/**
 * TD0.9 — accès web-PS contextuel (national-services.md §1.8).
 *
 * RAYON'S HYPOTHESIS, pending GI DMP §TD0.9: the URL and form fields of the contextual access are
 * not public. Rayon assumes an HTTPS form POST from the professional's browser to the web-PS with
 * the patient's INS and the page asked. The portal signs nothing (no VIHF: the organisation
 * certificate is the worker's only); the professional authenticates at the web-PS by their own
 * means (Pro Santé Connect or CPS card). These are the only field names of the portal; the DMP
 * simulator keeps the same ones in infra/simulators/dmp/src/web-ps.ts (`WEB_PS_FIELDS`).
 */
export const DMP_WEB_PS_FIELDS = { ins: 'ins', insOid: 'ins_oid', page: 'page' } as const;
export const DMP_WEB_PS_PAGES = { dossier: 'dossier-patient', tableauDeBord: 'tableau-de-bord' } as const;

/**
 * `rel` on a form (HTML: noopener, noreferrer) is missing from React's types; React passes it
 * through. noreferrer: the portal's address (with the patient's id) is not sent to the DMP.
 */
const NO_OPENER = { rel: 'noopener noreferrer' } as Record<string, string>;

/**
 * The patient screen's « DMP » section: two forms that open the web-PS in a new tab, on the
 * patient's dossier or on the professional's dashboard. Only for a qualified identity whose INS
 * may be exchanged; nothing at all when the portal has no web-PS URL.
 */
export function DmpWebPsSection({
  webPsUrl,
  status,
  ins,
}: {
  /** RAYON_DMP_WEBPS_URL; undefined: the section is not shown. */
  webPsUrl: string | undefined;
  status: string;
  /** The INS that exchanges may carry (null unless the identity is qualified, neither doubtful nor fictive). */
  ins: { matricule: string; oid: string } | null;
}) {
  if (!webPsUrl) return null;
  const qualified = status === 'qualifiee' && ins !== null;
  const form = (page: string, label: string, secondary: boolean) =>
    ins ? (
      <form method="post" action={webPsUrl} target="_blank" {...NO_OPENER} data-testid={`dmp-web-ps-${page}`}>
        <input type="hidden" name={DMP_WEB_PS_FIELDS.ins} value={ins.matricule} />
        <input type="hidden" name={DMP_WEB_PS_FIELDS.insOid} value={ins.oid} />
        <input type="hidden" name={DMP_WEB_PS_FIELDS.page} value={page} />
        <button type="submit" className={secondary ? 'button button--secondary' : 'button'}>
          {label}
        </button>
      </form>
    ) : null;
  return (
    <section className="card" aria-labelledby="dmp-title" data-testid="dmp-section">
      <h2 id="dmp-title" className="card__title">
        DMP
      </h2>
      {qualified && ins ? (
        <>
          <p className="small">
            Accès contextuel au DMP du patient (INS <code>{formatMatricule(ins.matricule)}</code>), dans un
            nouvel onglet.
          </p>
          <div className="actions">
            {form(DMP_WEB_PS_PAGES.dossier, 'Consulter le DMP du patient', false)}
            {form(DMP_WEB_PS_PAGES.tableauDeBord, 'Tableau de bord DMP', true)}
          </div>
          <p className="muted small">
            Vous vous authentifiez auprès du DMP avec Pro Santé Connect ou votre carte CPS.
          </p>
        </>
      ) : (
        <p className="muted" data-testid="dmp-not-qualified">
          Accès au DMP : identité non qualifiée
        </p>
      )}
    </section>
  );
}
