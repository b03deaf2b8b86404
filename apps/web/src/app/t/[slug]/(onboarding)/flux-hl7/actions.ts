'use server';

import { dedicatedRouteForm, sharedRouteForm } from '@rayon/schemas/onboarding';
import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { routeFieldError, routeFieldOf, type RouteField } from '../../../../../lib/hl7-routes.ts';
import { formTexts, parseForm, type FormResult } from '../../../../../lib/forms.ts';
import { hl7StatusLabel } from '../../../../../lib/labels.ts';
import { EMPTY_ROUTE_VALUES } from './route-values.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';

const feedPath = (slug: string) => `/t/${encodeURIComponent(slug)}/flux-hl7`;

export interface ReplayState {
  attempt: number;
  status: string | null;
  message: string | null;
}

/** Processes a failed message again (after its cause was fixed) and says how it went. */
export async function replayAction(
  target: { slug: string; id: string },
  previous: ReplayState,
): Promise<ReplayState> {
  const attempt = previous.attempt + 1;
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    const result = await api.onboarding.hl7.messages.replay.mutate({ id: target.id });
    revalidatePath(feedPath(target.slug));
    return {
      attempt,
      status: result.status,
      message:
        result.status === 'processed'
          ? 'Rejoué : message traité.'
          : result.status === 'failed'
            ? 'Rejoué : toujours en erreur.'
            : `Rejoué : ${hl7StatusLabel(result.status).toLowerCase()}.`,
    };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'CONFLICT' || info?.appCode === 'BAD_INPUT') {
      return { attempt, status: null, message: sentence(frenchApiError(info)) };
    }
    handleApiError(error);
  }
}

export interface RouteValues {
  receivingApplication: string;
  receivingFacility: string;
  allowedSources: string;
  clientCertFingerprints: string;
  maxMessageKib: string;
}

export interface RouteState {
  attempt: number;
  values: RouteValues;
  errors: Partial<Record<RouteField, string>>;
  formError: string | null;
  notice: string | null;
}

/**
 * Creates a route on the shared port (`target.id` unset) or changes one of the practice's
 * routes: MSH-5 / MSH-6, its senders (addresses, certificate fingerprints) and its size limit.
 * Dedicated ports are the platform administrator's: this form never sends one.
 */
export async function saveRouteAction(
  target: { slug: string; id: string | null; dedicated: boolean },
  previous: RouteState,
  formData: FormData,
): Promise<RouteState> {
  const values: RouteValues = {
    ...formTexts(formData, ['receivingApplication', 'receivingFacility', 'maxMessageKib']),
    // One entry per line: kept as typed, to show them again.
    allowedSources: String(formData.get('allowedSources') ?? ''),
    clientCertFingerprints: String(formData.get('clientCertFingerprints') ?? ''),
  };
  const attempt = previous.attempt + 1;
  const failed = (errors: RouteState['errors'], formError: string | null = null): RouteState => ({
    attempt,
    values,
    errors,
    formError,
    notice: null,
  });
  // Which fields are required depends on the route's kind (a new route is on the shared port).
  type Api = Awaited<ReturnType<typeof apiForSession>>;
  let save: FormResult<(api: Api) => Promise<unknown>>;
  const { id } = target;
  if (id === null) {
    const route = parseForm(sharedRouteForm, values);
    save = route.ok
      ? { ok: true, data: (api) => api.onboarding.hl7.routes.create.mutate(route.data) }
      : route;
  } else {
    const route = parseForm(target.dedicated ? dedicatedRouteForm : sharedRouteForm, values);
    save = route.ok
      ? { ok: true, data: (api) => api.onboarding.hl7.routes.update.mutate({ id, ...route.data }) }
      : route;
  }
  if (!save.ok) return failed(save.errors);

  try {
    await save.data(await apiForSession({ tenantSlug: target.slug }));
  } catch (error) {
    const info = apiErrorInfo(error);
    const conflict = info?.appCode === 'CONFLICT' || info?.code === 'CONFLICT';
    const bad = info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST';
    if (info && (conflict || bad)) {
      const field = routeFieldOf(info.field);
      if (field) return failed({ [field]: routeFieldError(info.field!, conflict) });
      return failed({}, sentence(frenchApiError(info)));
    }
    if (info?.appCode === 'FORBIDDEN' && info.field === 'port') {
      return failed({}, "Les ports dédiés sont attribués par l'administrateur de la plateforme.");
    }
    handleApiError(error);
  }
  revalidatePath(feedPath(target.slug));
  return {
    attempt,
    values: target.id ? values : EMPTY_ROUTE_VALUES,
    errors: {},
    formError: null,
    notice: target.id ? 'Route enregistrée.' : 'Route ajoutée.',
  };
}

export async function deleteRouteAction(slug: string, formData: FormData): Promise<void> {
  const id = String(formData.get('id') ?? '');
  if (!id) return;
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.onboarding.hl7.routes.delete.mutate({ id });
  } catch (error) {
    handleApiError(error);
  }
  revalidatePath(feedPath(slug));
}
