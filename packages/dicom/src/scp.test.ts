import { createRequire } from 'node:module';
import type * as Dimse from 'dcmjs-dimse';
import { describe, expect, it } from 'vitest';
import { dcmjsDimseCommandWriter, writeCommandDataset } from './scp.ts';

const { Dataset } = createRequire(import.meta.url)('dcmjs-dimse') as typeof Dimse;

describe('command sets', () => {
  it('are written byte for byte as dcmjs-dimse writes them, by every command this process sends', () => {
    // A pending C-FIND response's command set.
    const command = new Dataset({
      AffectedSOPClassUID: '1.2.840.10008.5.1.4.31',
      CommandField: 0x8020,
      MessageIDBeingRespondedTo: 7,
      CommandDataSetType: 0x0102,
      Status: 0xff00,
    });
    const ours = writeCommandDataset.call(command);
    expect(ours).toEqual(dcmjsDimseCommandWriter.call(command));
    // Group length (0000,0000) UL first, then the elements: 5 of them here.
    expect(ours.readUInt32LE(0)).toBe(0x00000000);
    expect(ours.readUInt32LE(8)).toBe(ours.length - 12);
    expect(Dataset.prototype.getDenaturalizedCommandDataset).toBe(writeCommandDataset);
  });
});
