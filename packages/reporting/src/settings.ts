/** The practice's reporting settings: the RGPD mentions printed on its reports, its templates. */
import {
  audit,
  findExamType,
  getSetting,
  insertReportTemplate,
  listReportTemplates,
  putSetting,
  type UseCaseContext,
} from '@rayon/db';
import { AppError, RGPD_NOTICE_SETTING } from '@rayon/domain';
import type { ReportingDeps } from './reading.ts';

export function settingsUseCases({ db }: ReportingDeps) {
  return {
    /** The practice's RGPD mentions printed at the bottom of its reports. */
    settings: (ctx: UseCaseContext) =>
      db.withTenant(ctx.tenant, async (tx) => ({
        rgpdNotice: (await getSetting(tx, RGPD_NOTICE_SETTING)) ?? null,
      })),
    setRgpdNotice: (ctx: UseCaseContext, text: string | null) =>
      db.withTenant(ctx.tenant, async (tx) => {
        await putSetting(tx, RGPD_NOTICE_SETTING, text);
        await audit(ctx, tx, 'reports.rgpd-notice-changed', 'settings');
        return { rgpdNotice: text };
      }),

    listTemplates: (ctx: UseCaseContext) => db.withTenant(ctx.tenant, listReportTemplates),
    createTemplate: (
      ctx: UseCaseContext,
      input: { examTypeId?: string | null; name: string; body: string },
    ) =>
      db.withTenant(ctx.tenant, async (tx) => {
        if (input.examTypeId && !(await findExamType(tx, input.examTypeId))) {
          throw new AppError('BAD_INPUT', 'exam type not in the catalogue', {
            field: 'examTypeId',
            reason: 'scheduling.exam_type.unknown',
          });
        }
        const row = await insertReportTemplate(tx, {
          examTypeId: input.examTypeId ?? null,
          name: input.name,
          body: input.body,
        });
        await audit(ctx, tx, 'report-template.created', row.id);
        return row;
      }),
  };
}
