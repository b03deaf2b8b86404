import {
  audit,
  deleteModality,
  findModality,
  findRoom,
  insertModality,
  insertRoom,
  listBusyIntervals,
  listModalities,
  listRooms,
  findSite,
  setModalityCallers,
  setModalityOpeningHours,
  setModalityRetired,
  type OpeningHours,
  type UseCaseContext,
} from '@rayon/db';
import { AppError, parseAeTitle, parseModalityCallers, type ModalityType } from '@rayon/domain';
import type { SchedulingDeps } from './deps.ts';

/**
 * Rooms of the practice's sites and their modalities: AE titles, who may call them, opening
 * hours, retirement.
 */
export function modalityUseCases({ db }: SchedulingDeps) {
  return {
    listRooms: (ctx: UseCaseContext) => db.withTenant(ctx.tenant, listRooms),
    createRoom: (ctx: UseCaseContext, input: { siteId: string; name: string }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        if (!(await findSite(tx, input.siteId))) throw new AppError('NOT_FOUND', 'site not found');
        const room = await insertRoom(tx, input);
        await audit(ctx, tx, 'room.created', room.id);
        return room;
      }),

    listModalities: (ctx: UseCaseContext) => db.withTenant(ctx.tenant, (tx) => listModalities(tx)),
    /**
     * A modality, its AE title (normalised, reserved platform-wide) and who may speak DICOM for
     * it: calling AE titles, source addresses, TLS client certificates (none: no association).
     */
    createModality: (
      ctx: UseCaseContext,
      input: {
        roomId: string;
        name: string;
        type: ModalityType;
        aeTitle: string;
        openingHours: OpeningHours;
        callingAeTitles?: string[] | undefined;
        allowedSources?: string[] | undefined;
        clientCertFingerprints?: string[] | undefined;
      },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const aeTitle = parseAeTitle(input.aeTitle);
        const callers = parseModalityCallers({
          callingAeTitles: input.callingAeTitles ?? [],
          allowedSources: input.allowedSources ?? [],
          clientCertFingerprints: input.clientCertFingerprints,
        });
        if (!(await findRoom(tx, input.roomId))) throw new AppError('NOT_FOUND', 'room not found');
        const modality = await insertModality(tx, {
          roomId: input.roomId,
          name: input.name,
          type: input.type,
          aeTitle,
          openingHours: input.openingHours,
          ...callers,
        });
        await audit(ctx, tx, 'modality.created', modality.id, { aeTitle: modality.aeTitle, ...callers });
        return modality;
      }),

    /** Replaces who may speak DICOM for a modality (calling AE titles, addresses, certificates). */
    setModalityCallers: (
      ctx: UseCaseContext,
      input: {
        id: string;
        callingAeTitles: string[];
        allowedSources: string[];
        clientCertFingerprints: string[];
      },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const callers = parseModalityCallers(input);
        const modality = await setModalityCallers(tx, input.id, callers);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        await audit(ctx, tx, 'modality.callers-changed', modality.id, { ...callers });
        return modality;
      }),

    /**
     * Retires a modality: no new booking, no DICOM association; its history stays, and so does
     * its AE title (reserved for the practice: past worklists and images name it). Refused while
     * appointments are booked on it from now on: move or cancel them first.
     */
    retireModality: (ctx: UseCaseContext, input: { id: string }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const current = await findModality(tx, input.id);
        if (!current) throw new AppError('NOT_FOUND', 'modality not found');
        if (current.retiredAt) return current;
        const now = ctx.now();
        const booked = await listBusyIntervals(tx, {
          modalityIds: [current.id],
          from: now,
          to: new Date('9999-12-31T00:00:00Z'),
        });
        if (booked.length > 0) {
          throw new AppError(
            'CONFLICT',
            `${booked.length} appointment(s) are booked on this modality from now on: move or cancel them first`,
            { field: 'id', reason: 'scheduling.modality.booked', params: { count: booked.length } },
          );
        }
        const modality = (await setModalityRetired(tx, current.id, now))!;
        await audit(ctx, tx, 'modality.retired', modality.id);
        return modality;
      }),

    /** Puts a retired modality back in service. */
    reactivateModality: (ctx: UseCaseContext, input: { id: string }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const modality = await setModalityRetired(tx, input.id, null);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        await audit(ctx, tx, 'modality.reactivated', modality.id);
        return modality;
      }),

    /** Deletes a modality without history and releases its AE title (else: CONFLICT, retire it). */
    deleteModality: (ctx: UseCaseContext, input: { id: string }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const modality = await findModality(tx, input.id);
        if (!modality || !(await deleteModality(tx, input.id)))
          throw new AppError('NOT_FOUND', 'modality not found');
        await audit(ctx, tx, 'modality.deleted', modality.id, { aeTitle: modality.aeTitle });
        return { id: modality.id };
      }),

    /** New weekly opening hours; booked appointments stay where they are. */
    setOpeningHours: (ctx: UseCaseContext, input: { id: string; openingHours: OpeningHours }) =>
      db.withTenant(ctx.tenant, async (tx) => {
        const modality = await setModalityOpeningHours(tx, input.id, input.openingHours);
        if (!modality) throw new AppError('NOT_FOUND', 'modality not found');
        await audit(ctx, tx, 'modality.opening-hours-changed', modality.id);
        return modality;
      }),
  };
}
