'use server';

import { revalidatePath } from 'next/cache';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';

const tenantPath = (slug: string) => `/admin/etablissements/${encodeURIComponent(slug)}`;

export interface AssignPortState {
  attempt: number;
  values: { port: string; routeId: string };
  errors: { port?: string; routeId?: string };
  formError: string | null;
  notice: string | null;
}

/** French words for a refused port: the API names the field and says why (range, service, taken). */
function portError(message: string, range: { from: number; to: number }): string {
  if (/shared HL7 TLS port/i.test(message)) return 'Ce port est le port TLS partagé de la plateforme.';
  if (/shared HL7 port/i.test(message)) return 'Ce port est le port partagé de la plateforme.';
  if (/platform's/i.test(message)) return "Ce port est celui d'un service de la plateforme.";
  if (/outside the range/i.test(message)) {
    return `Port hors de la plage des ports dédiés (${range.from} à ${range.to}).`;
  }
  if (/another practice/i.test(message)) return 'Ce port est déjà attribué à un autre établissement.';
  if (/already assigned/i.test(message)) return 'Ce port est déjà attribué à cet établissement.';
  return 'Port invalide.';
}

/** Gives the practice a dedicated port (a new route, or one of its shared-port routes moved there). */
export async function assignPortAction(
  target: { slug: string; range: { from: number; to: number } },
  previous: AssignPortState,
  formData: FormData,
): Promise<AssignPortState> {
  const values = {
    port: String(formData.get('port') ?? '').trim(),
    routeId: String(formData.get('routeId') ?? ''),
  };
  const attempt = previous.attempt + 1;
  const failed = (errors: AssignPortState['errors'], formError: string | null = null): AssignPortState => ({
    attempt,
    values,
    errors,
    formError,
    notice: null,
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port < 1 || port > 65535) {
    return failed({ port: `Un numéro de port entre ${target.range.from} et ${target.range.to}.` });
  }
  const api = await apiForSession();
  try {
    await api.onboarding.hl7.ports.assign.mutate({
      tenantSlug: target.slug,
      port,
      ...(values.routeId ? { routeId: values.routeId } : {}),
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.field === 'port') return failed({ port: portError(info.message, target.range) });
    if (info?.field === 'routeId')
      return failed({ routeId: 'Cette route ne peut pas recevoir de port dédié.' });
    handleApiError(error);
  }
  revalidatePath(tenantPath(target.slug));
  return {
    attempt,
    values: { port: '', routeId: '' },
    errors: {},
    formError: null,
    notice: `Port ${port} attribué.`,
  };
}

/** Takes a dedicated port back (a route with MSH-5 / MSH-6 stays, on the shared port). */
export async function withdrawPortAction(slug: string, formData: FormData): Promise<void> {
  const routeId = String(formData.get('routeId') ?? '');
  if (!routeId) return;
  const api = await apiForSession();
  try {
    await api.onboarding.hl7.ports.withdraw.mutate({ tenantSlug: slug, routeId });
  } catch (error) {
    handleApiError(error);
  }
  revalidatePath(tenantPath(slug));
}
