'use server';

import { revalidatePath } from 'next/cache';
import { frenchApiMessage, sentence } from '../../../../lib/api-messages.ts';
import { hl7StatusLabel } from '../../../../lib/labels.ts';
import { apiErrorInfo } from '../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../server/session.ts';

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
    const result = await api.hl7.messages.replay.mutate({ id: target.id });
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
      return { attempt, status: null, message: sentence(frenchApiMessage(info.message)) };
    }
    handleApiError(error);
  }
}

export type RouteField = 'port' | 'receivingApplication' | 'receivingFacility';

export interface RouteState {
  attempt: number;
  values: { mode: string; port: string; receivingApplication: string; receivingFacility: string };
  errors: Partial<Record<RouteField, string>>;
  formError: string | null;
  notice: string | null;
}

/** A route: a dedicated port, or MSH-5 / MSH-6 on the shared port. */
export async function createRouteAction(
  slug: string,
  previous: RouteState,
  formData: FormData,
): Promise<RouteState> {
  const get = (n: string) => String(formData.get(n) ?? '').trim();
  const values = {
    mode: get('mode') === 'port' ? 'port' : 'shared',
    port: get('port'),
    receivingApplication: get('receivingApplication'),
    receivingFacility: get('receivingFacility'),
  };
  const attempt = previous.attempt + 1;
  const failed = (errors: RouteState['errors'], formError: string | null = null): RouteState => ({
    attempt,
    values,
    errors,
    formError,
    notice: null,
  });
  const dedicated = values.mode === 'port';
  const errors: RouteState['errors'] = {};
  const port = Number(values.port);
  if (dedicated && (!/^\d+$/.test(values.port) || port < 1024 || port > 65535)) {
    errors.port = 'Numéro de port entre 1024 et 65535.';
  }
  if (!dedicated && !values.receivingApplication) {
    errors.receivingApplication = 'Obligatoire sur le port partagé.';
  }
  if (!dedicated && !values.receivingFacility) errors.receivingFacility = 'Obligatoire sur le port partagé.';
  if (Object.keys(errors).length > 0) return failed(errors);

  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.hl7.routes.create.mutate({
      port: dedicated ? port : null,
      receivingApplication: values.receivingApplication,
      receivingFacility: values.receivingFacility,
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    const field = info?.field as RouteField | undefined;
    const known = field === 'port' || field === 'receivingApplication' || field === 'receivingFacility';
    if (info?.appCode === 'CONFLICT' || info?.code === 'CONFLICT') {
      if (field === 'port') return failed({ port: 'Ce port est déjà utilisé.' });
      return failed({}, 'Ce couple MSH-5 / MSH-6 est déjà routé.');
    }
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      if (known) return failed({ [field]: 'Valeur invalide.' });
      return failed({}, sentence(frenchApiMessage(info.message)));
    }
    handleApiError(error);
  }
  revalidatePath(feedPath(slug));
  return {
    attempt,
    values: { mode: values.mode, port: '', receivingApplication: '', receivingFacility: '' },
    errors: {},
    formError: null,
    notice: 'Route ajoutée.',
  };
}

export async function deleteRouteAction(slug: string, formData: FormData): Promise<void> {
  const id = String(formData.get('id') ?? '');
  if (!id) return;
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.hl7.routes.delete.mutate({ id });
  } catch (error) {
    handleApiError(error);
  }
  revalidatePath(feedPath(slug));
}
