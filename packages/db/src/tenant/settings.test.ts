import { DEFAULT_DISTRIBUTION, DISTRIBUTION_SETTING, WORKLIST_MATCHING_SETTING } from '@rayon/domain';
import { describe, expect, it } from 'vitest';
import { parseStored } from '../stored.ts';
import { SETTINGS, type SettingKey } from './settings.ts';

const read = (key: SettingKey, value: unknown) => parseStored(SETTINGS[key], value, `setting ${key}`);

describe('the practice settings, parsed where read', () => {
  it('a distribution setting as the portal writes it reads back as it was', () => {
    const value = {
      dmp: true,
      mssante: { enabled: true, patient: false, mailbox: 'cabinet@rayon.mssante.fr' },
      pfi: {
        host: 'pfi.example',
        port: 2575,
        receivingApplication: 'PFI',
        receivingFacility: 'CHU',
        profile: 'ORU',
      },
    };
    expect(read(DISTRIBUTION_SETTING, value)).toEqual(value);
    expect(read(DISTRIBUTION_SETTING, DEFAULT_DISTRIBUTION)).toEqual(DEFAULT_DISTRIBUTION);
    expect(read('reports.rgpdNotice', null)).toBeNull();
  });

  it('a value written before a field existed reads, the readers lay it over the defaults', () => {
    expect(read(DISTRIBUTION_SETTING, { dmp: true })).toEqual({ dmp: true });
    expect(read(WORKLIST_MATCHING_SETTING, {})).toEqual({});
  });

  it('a malformed value fails with the setting and the field named', () => {
    expect(() =>
      read(DISTRIBUTION_SETTING, { dmp: true, mssante: { enabled: 'yes', patient: false } }),
    ).toThrow(/^setting distribution is malformed: mssante\.enabled: /);
    expect(() => read(DISTRIBUTION_SETTING, { pfi: { host: 'h', port: '2575' } })).toThrow(
      /pfi\.port: .*pfi\.receivingApplication: /,
    );
    expect(() => read(DISTRIBUTION_SETTING, { pfi: { ...pfi, profile: 'ADT' } })).toThrow(/pfi\.profile: /);
    expect(() => read(WORKLIST_MATCHING_SETTING, { accentInsensitiveNames: 1 })).toThrow(
      /^setting worklist\.matching is malformed: accentInsensitiveNames: /,
    );
    expect(() => read('mssante_mailbox_cursor', { uidValidity: '7', lastUid: -1 })).toThrow(
      /mssante_mailbox_cursor is malformed: lastUid: /,
    );
    expect(() => read('identity.keepDocumentCopies', 'true')).toThrow(
      /^setting identity\.keepDocumentCopies is malformed: \(root\): /,
    );
    expect(() => read('reports.rgpdNotice', 42)).toThrow(/reports\.rgpdNotice is malformed/);
  });
});

const pfi = { host: 'pfi.example', port: 2575, receivingApplication: 'PFI', receivingFacility: 'CHU' };
