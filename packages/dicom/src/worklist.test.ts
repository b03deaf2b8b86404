import { describe, expect, it } from 'vitest';
import { item, items } from '../test/fixtures.ts';
import { buildResponse, matchWorklist, QueryError, type WorklistQuery } from './worklist.ts';

const acc = (q: WorklistQuery) => matchWorklist(q, items).map((i) => i.study.accessionNumber);
const sps = (step: WorklistQuery): WorklistQuery => ({ ScheduledProcedureStepSequence: [step] });

describe('matchWorklist', () => {
  it('universal matching: empty values and empty sequences match everything', () => {
    expect(acc({})).toEqual(['ACC1', 'ACC2', 'ACC3', 'ACC4']);
    expect(
      acc({ PatientName: '', PatientID: '', AccessionNumber: '', ScheduledProcedureStepSequence: [] }),
    ).toHaveLength(4);
    expect(acc(sps({ Modality: '', ScheduledStationAETitle: '' }))).toHaveLength(4);
    expect(acc({ PatientName: '*' })).toHaveLength(4);
  });

  it('single value matching (case-sensitive outside PN)', () => {
    expect(acc({ AccessionNumber: 'ACC2' })).toEqual(['ACC2']);
    expect(acc({ PatientID: 'ipp2' })).toEqual([]);
    expect(acc({ PatientSex: 'M' })).toEqual(['ACC2']);
    expect(acc({ PatientBirthDate: '19520302' })).toEqual(['ACC2']);
  });

  it('PN: wildcards, case-insensitive, accents significant, naturalized form', () => {
    expect(acc({ PatientName: 'DUPO*' })).toEqual(['ACC2', 'ACC4']);
    expect(acc({ PatientName: 'DUPON?^*' })).toEqual(['ACC2', 'ACC4']);
    expect(acc({ PatientName: 'dupont^jean' })).toEqual(['ACC2']);
    expect(acc({ PatientName: [{ Alphabetic: 'noël*' }] })).toEqual(['ACC1']);
    expect(acc({ PatientName: 'NOEL*' })).toEqual([]);
    expect(acc({ PatientName: '*^Bénédicte' })).toEqual(['ACC3']);
    expect(acc({ PatientName: 'DUPONT' })).toEqual([]); // single value: the whole name
  });

  it('PN without accents when the practice chose it: NOEL* finds NOËL, Œ and Æ written out', () => {
    const off = (q: WorklistQuery) => matchWorklist(q, items).map((i) => i.study.accessionNumber);
    const on = (q: WorklistQuery) =>
      matchWorklist(q, items, { accentInsensitiveNames: true }).map((i) => i.study.accessionNumber);
    expect(off({ PatientName: 'NOEL*' })).toEqual([]);
    expect(on({ PatientName: 'NOEL*' })).toEqual(['ACC1']);
    expect(on({ PatientName: 'noel^gwenaelle' })).toEqual(['ACC1']);
    expect(on({ PatientName: 'NOËL*' })).toEqual(['ACC1']);
    expect(on({ PatientName: 'NOE?^*' })).toEqual(['ACC1']);
    expect(on({ ReferringPhysicianName: 'MARTIN^Benedicte' })).toHaveLength(4);
    expect(on({ PatientName: 'DUPONT^Jean' })).toEqual(['ACC2']);
    expect(on({ PatientName: 'NOAL*' })).toEqual([]);
    const coeur = [item({ patient: { name: { family: 'CŒUR', given: 'Lætitia' } } })];
    expect(
      matchWorklist({ PatientName: 'COEUR^LAETITIA' }, coeur, { accentInsensitiveNames: true }),
    ).toHaveLength(1);
    expect(matchWorklist({ PatientName: 'COEUR^LAETITIA' }, coeur)).toHaveLength(0);
    // Other VRs stay exact.
    expect(on({ AccessionNumber: 'acc1' })).toEqual([]);
  });

  it('wildcards on other string VRs', () => {
    expect(acc({ AccessionNumber: 'ACC?' })).toHaveLength(4);
    expect(acc({ PatientID: 'IPP*' })).toHaveLength(4);
    expect(acc(sps({ ScheduledStationAETitle: 'MR_*' }))).toEqual(['ACC1', 'ACC3']);
  });

  it('list of UID matching', () => {
    expect(acc({ StudyInstanceUID: '1.2.250.1.2\\1.2.250.1.4' })).toEqual(['ACC2', 'ACC4']);
    expect(acc({ StudyInstanceUID: ['1.2.250.1.1', '1.2.250.1.3'] })).toEqual(['ACC1', 'ACC3']);
    expect(acc({ StudyInstanceUID: '1.2.250.1.3' })).toEqual(['ACC3']);
  });

  it('date range matching', () => {
    expect(acc(sps({ ScheduledProcedureStepStartDate: '20261121' }))).toEqual(['ACC1', 'ACC2']);
    expect(acc(sps({ ScheduledProcedureStepStartDate: '20261121-20261122' }))).toEqual([
      'ACC1',
      'ACC2',
      'ACC3',
    ]);
    expect(acc(sps({ ScheduledProcedureStepStartDate: '20261121-' }))).toEqual(['ACC1', 'ACC2', 'ACC3']);
    expect(acc(sps({ ScheduledProcedureStepStartDate: '-20261120' }))).toEqual(['ACC4']);
    expect(acc({ PatientBirthDate: '19500101-19600101' })).toEqual(['ACC2']);
  });

  it('time range matching', () => {
    expect(acc(sps({ ScheduledProcedureStepStartTime: '0800-1000' }))).toEqual(['ACC1', 'ACC3']);
    expect(acc(sps({ ScheduledProcedureStepStartTime: '1400-' }))).toEqual(['ACC2', 'ACC4']);
    expect(acc(sps({ ScheduledProcedureStepStartTime: '-08' }))).toEqual(['ACC3']);
  });

  it('combined date and time range on the scheduled step', () => {
    // From 21 Nov 12:00 to 22 Nov 09:00: the 14:00 of the 21st and the 08:00 of the 22nd.
    expect(
      acc(
        sps({
          ScheduledProcedureStepStartDate: '20261121-20261122',
          ScheduledProcedureStepStartTime: '1200-0900',
        }),
      ),
    ).toEqual(['ACC2', 'ACC3']);
    expect(
      acc(sps({ ScheduledProcedureStepStartDate: '20261121', ScheduledProcedureStepStartTime: '0900-1000' })),
    ).toEqual(['ACC1']);
  });

  it('sequence matching on modality, station AE and performing physician', () => {
    expect(acc(sps({ Modality: 'MR' }))).toEqual(['ACC1', 'ACC3']);
    expect(
      acc(
        sps({
          Modality: 'MR',
          ScheduledStationAETitle: 'MR_SALLE1',
          ScheduledProcedureStepStartDate: '20261122',
        }),
      ),
    ).toEqual(['ACC3']);
    expect(acc(sps({ ScheduledPerformingPhysicianName: 'petit^*' }))).toEqual(['ACC2']);
    expect(acc({ ...sps({ Modality: 'CT' }), PatientName: 'NOËL*' })).toEqual([]);
  });

  it('rejects malformed identifiers', () => {
    expect(() => matchWorklist(sps({ ScheduledProcedureStepStartDate: '2026-11-21' }), items)).toThrow(
      QueryError,
    );
    expect(() => matchWorklist(sps({ ScheduledProcedureStepStartDate: '20261122-20261121' }), items)).toThrow(
      QueryError,
    );
    expect(() => matchWorklist(sps({ ScheduledProcedureStepStartTime: '25h' }), items)).toThrow(QueryError);
    expect(() => matchWorklist({ StudyInstanceUID: '1.2.abc' }, items)).toThrow(QueryError);
    expect(() => matchWorklist({ ScheduledProcedureStepSequence: [{}, {}] }, items)).toThrow(QueryError);
  });
});

describe('buildResponse', () => {
  it('returns only the keys asked for, valued from the item', () => {
    const [first] = items;
    const r = buildResponse(
      {
        PatientName: '',
        PatientID: '',
        SpecificCharacterSet: 'ISO_IR 192',
        OtherPatientIDs: '',
        ...sps({ Modality: '', ScheduledProcedureStepStartDate: '' }),
      },
      first!,
    );
    expect(r).toEqual({
      PatientName: 'NOËL^Gwénaëlle',
      PatientID: 'IPP1',
      ScheduledProcedureStepSequence: [{ Modality: 'MR', ScheduledProcedureStepStartDate: '20261121' }],
    });
  });

  it('Other Patient IDs Sequence: the INS with its issuer and qualifiers; Referenced Study / Patient Sequences present, empty', () => {
    const ins = item({
      patient: {
        otherIds: [
          { id: '279035121518989', issuer: 'ASIP-SANTE-INS-NIR', issuerOid: '1.2.250.1.213.1.4.10' },
        ],
      },
    });
    const asked = {
      PatientID: '',
      OtherPatientIDsSequence: [],
      ReferencedStudySequence: [],
      ReferencedPatientSequence: '',
      RequestedProcedureID: '',
    };
    expect(buildResponse(asked, ins)).toEqual({
      PatientID: 'IPP1',
      OtherPatientIDsSequence: [
        {
          PatientID: '279035121518989',
          IssuerOfPatientID: 'ASIP-SANTE-INS-NIR',
          IssuerOfPatientIDQualifiersSequence: [
            { UniversalEntityID: '1.2.250.1.213.1.4.10', UniversalEntityIDType: 'ISO' },
          ],
          TypeOfPatientID: 'TEXT',
        },
      ],
      ReferencedStudySequence: [],
      ReferencedPatientSequence: [],
      RequestedProcedureID: 'RP1',
    });
    // Keys named in the query item: only those.
    expect(
      buildResponse({ OtherPatientIDsSequence: [{ PatientID: '', IssuerOfPatientID: '' }] }, ins),
    ).toEqual({
      OtherPatientIDsSequence: [{ PatientID: '279035121518989', IssuerOfPatientID: 'ASIP-SANTE-INS-NIR' }],
    });
    // No INS (not a qualified identity): the sequence is there, empty.
    expect(buildResponse(asked, items[0]!).OtherPatientIDsSequence).toEqual([]);
    // The sequences are return keys: they match every item.
    expect(matchWorklist({ OtherPatientIDsSequence: [{ PatientID: 'X' }] }, items)).toHaveLength(4);
  });

  it('an empty sequence asks for the whole step', () => {
    const r = buildResponse({ ScheduledProcedureStepSequence: [], ReferringPhysicianName: '' }, items[0]!);
    expect(r.ReferringPhysicianName).toBe('MARTIN^Bénédicte');
    expect(r.ScheduledProcedureStepSequence).toEqual([
      {
        ScheduledProcedureStepID: 'SPS1',
        Modality: 'MR',
        ScheduledStationAETitle: 'MR_SALLE1',
        ScheduledStationName: 'IRM 1',
        ScheduledProcedureStepStartDate: '20261121',
        ScheduledProcedureStepStartTime: '093000',
        ScheduledProcedureStepDescription: 'Genou droit',
        ScheduledPerformingPhysicianName: 'DURAND^Paul',
      },
    ]);
  });
});
