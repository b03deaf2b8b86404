'use server';

import { revalidatePath } from 'next/cache';
import { assignHl7PortInput } from '@rayon/schemas/onboarding';
import { frenchApiError } from '../../../../../lib/api-messages.ts';
import { given, integerOrText, parseForm } from '../../../../../lib/forms.ts';
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

/** Gives the practice a dedicated port (a new route, or one of its shared-port routes moved there). */
export async function assignPortAction(
  slug: string,
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
  const form = parseForm(assignHl7PortInput, {
    tenantSlug: slug,
    port: integerOrText(values.port),
    routeId: given(values.routeId),
  });
  if (!form.ok) {
    const { port, routeId } = form.errors;
    return failed({ ...(port ? { port } : {}), ...(routeId ? { routeId } : {}) });
  }
  const { port } = form.data;
  const api = await apiForSession();
  try {
    await api.onboarding.hl7.ports.assign.mutate(form.data);
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.field === 'port') return failed({ port: frenchApiError(info) });
    if (info?.field === 'routeId')
      return failed({ routeId: 'Cette route ne peut pas recevoir de port dédié.' });
    handleApiError(error);
  }
  revalidatePath(tenantPath(slug));
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
