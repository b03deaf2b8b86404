import { getSetting, putSetting } from '@rayon/db';
import {
  DEFAULT_WORKLIST_MATCHING,
  WORKLIST_MATCHING_SETTING,
  type WorklistMatchingSetting,
} from '@rayon/domain';
import { audit } from '../deps.ts';
import type { SchedulingScope } from './scope.ts';

/** How the practice's DICOM worklist matches patient names. */
export function worklistService({ inTenant }: SchedulingScope) {
  return {
    /** How the practice's worklist matches patient names (accents significant by default). */
    worklistMatching: () =>
      inTenant(async (tx) => ({
        ...DEFAULT_WORKLIST_MATCHING,
        ...(await getSetting(tx, WORKLIST_MATCHING_SETTING)),
      })),

    /** The practice chooses whether `NOEL*` finds NOËL on its modalities' worklist. */
    setWorklistMatching: (input: WorklistMatchingSetting) =>
      inTenant(async (tx) => {
        const value: WorklistMatchingSetting = { accentInsensitiveNames: input.accentInsensitiveNames };
        await putSetting(tx, WORKLIST_MATCHING_SETTING, value);
        await audit(tx, 'worklist.matching.changed', WORKLIST_MATCHING_SETTING, { ...value });
        return value;
      }),
  };
}
