import type { WorklistItem } from '../src/worklist.ts';

export function item(over: {
  patient?: Partial<WorklistItem['patient']>;
  study?: Partial<WorklistItem['study']>;
  step?: Partial<WorklistItem['step']>;
}): WorklistItem {
  return {
    patient: {
      name: { family: 'NOËL', given: 'Gwénaëlle' },
      id: 'IPP1',
      issuer: 'RAYON',
      birthDate: '19800115',
      sex: 'F',
      ...over.patient,
    },
    study: {
      accessionNumber: 'ACC1',
      studyInstanceUid: '1.2.250.1.1',
      requestedProcedureId: 'RP1',
      requestedProcedureDescription: 'IRM genou droit',
      referringPhysicianName: { family: 'MARTIN', given: 'Bénédicte' },
      ...over.study,
    },
    step: {
      stepId: 'SPS1',
      modality: 'MR',
      stationAeTitle: 'MR_SALLE1',
      stationName: 'IRM 1',
      startDate: '20261121',
      startTime: '093000',
      description: 'Genou droit',
      performingPhysicianName: { family: 'DURAND', given: 'Paul' },
      ...over.step,
    },
  };
}

export const items: WorklistItem[] = [
  item({}),
  item({
    patient: { name: { family: 'DUPONT', given: 'Jean' }, id: 'IPP2', sex: 'M', birthDate: '19520302' },
    study: { accessionNumber: 'ACC2', studyInstanceUid: '1.2.250.1.2' },
    step: {
      stepId: 'SPS2',
      modality: 'CT',
      stationAeTitle: 'CT_SALLE2',
      startDate: '20261121',
      startTime: '140000',
      performingPhysicianName: { family: 'PETIT', given: 'Anne' },
    },
  }),
  item({
    patient: { name: { family: 'LEFÈVRE', given: 'Bénédicte' }, id: 'IPP3' },
    study: { accessionNumber: 'ACC3', studyInstanceUid: '1.2.250.1.3' },
    step: {
      stepId: 'SPS3',
      modality: 'MR',
      stationAeTitle: 'MR_SALLE1',
      startDate: '20261122',
      startTime: '080000',
    },
  }),
  item({
    patient: { name: { family: 'DUPOND', given: 'Noël' }, id: 'IPP4' },
    study: { accessionNumber: 'ACC4', studyInstanceUid: '1.2.250.1.4' },
    step: {
      stepId: 'SPS4',
      modality: 'US',
      stationAeTitle: 'US_SALLE3',
      startDate: '20261120',
      startTime: '170000',
    },
  }),
];
