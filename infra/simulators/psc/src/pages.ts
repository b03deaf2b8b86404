/** The simulator's own French pages (login, errors, logout). No script except the logout auto-submit. */
import type { PscTestProfessional } from './professionals.ts';

export type PscScenario = 'normal' | 'acr-faible' | 'nonce-rejoue' | 'jeton-altere';

export const PSC_SCENARIOS: readonly { value: PscScenario; label: string }[] = [
  { value: 'normal', label: 'Normal' },
  { value: 'acr-faible', label: 'Niveau d’authentification insuffisant (acr)' },
  { value: 'nonce-rejoue', label: 'Nonce rejoué' },
  { value: 'jeton-altere', label: 'Jeton d’identité altéré' },
];

export const isScenario = (v: unknown): v is PscScenario =>
  typeof v === 'string' && PSC_SCENARIOS.some((s) => s.value === v);

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; padding: 0 1rem; color: #1b1b1b; }
header { border-bottom: 3px solid #000091; margin-bottom: 1.5rem; }
h1 { color: #000091; font-size: 1.5rem; }
.pro { display: block; width: 100%; text-align: left; margin: .5rem 0; padding: .75rem 1rem; border: 1px solid #000091; border-radius: 4px; background: #f5f5fe; cursor: pointer; font-size: 1rem; }
.pro small { display: block; color: #555; }
label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
.note { color: #555; font-size: .9rem; }`;

function layout(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${head}
</head>
<body>
<header><h1>Pro Santé Connect — simulateur</h1></header>
${body}
</body>
</html>`;
}

export function loginPage(options: {
  action: string;
  abortAction: string;
  clientId: string;
  professionals: readonly PscTestProfessional[];
  scenario: PscScenario;
}): string {
  const buttons = options.professionals
    .map(
      (p) =>
        `<button class="pro" type="submit" name="professional" value="${escapeHtml(p.key)}">${escapeHtml(p.label)}<small>Identifiant national : ${escapeHtml(p.nationalId)}${p.rpps ? ` (RPPS ${escapeHtml(p.rpps)})` : ' (ADELI)'}</small></button>`,
    )
    .join('\n');
  const options_ = PSC_SCENARIOS.map(
    (s) =>
      `<option value="${s.value}"${s.value === options.scenario ? ' selected' : ''}>${escapeHtml(s.label)}</option>`,
  ).join('');
  return layout(
    'Connexion — Pro Santé Connect (simulateur)',
    `<p>Le service <strong>${escapeHtml(options.clientId)}</strong> demande votre identification.
Choisissez le professionnel de test avec lequel vous connecter (aucune carte CPS ni e-CPS n’est demandée).</p>
<form method="post" action="${escapeHtml(options.action)}">
<label for="scenario">Scénario de test</label>
<select id="scenario" name="scenario">${options_}</select>
<p class="note">Le scénario ne s’applique qu’au jeton d’identité de cette connexion.</p>
${buttons}
</form>
<form method="post" action="${escapeHtml(options.abortAction)}"><button type="submit">Annuler</button></form>`,
  );
}

export function errorPage(title: string, detail: string): string {
  return layout(title, `<h2>${escapeHtml(title)}</h2><p>${escapeHtml(detail)}</p>`);
}

/**
 * The end_session page. With a valid id_token_hint, PSC (Keycloak) logs out without asking: the
 * form (oidc-provider's, carrying its xsrf token) is submitted by a script allowed by its nonce.
 */
export function logoutPage(form: string, autoSubmit: boolean, nonce: string): string {
  const withLogout = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
  if (autoSubmit) {
    return layout(
      'Déconnexion — Pro Santé Connect (simulateur)',
      `<p>Déconnexion en cours…</p>
${withLogout.replace('</form>', '<noscript><button type="submit">Continuer</button></noscript></form>')}`,
      `<script nonce="${nonce}">document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit(); });</script>`,
    );
  }
  return layout(
    'Déconnexion — Pro Santé Connect (simulateur)',
    `<p>Voulez-vous vous déconnecter de Pro Santé Connect ?</p>
${withLogout.replace('</form>', '<button type="submit">Se déconnecter</button></form>')}`,
  );
}

export function loggedOutPage(): string {
  return layout(
    'Déconnecté — Pro Santé Connect (simulateur)',
    '<p>Vous êtes déconnecté de Pro Santé Connect. Vous pouvez fermer cette page.</p>',
  );
}
