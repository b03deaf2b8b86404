/**
 * What every send of a validated version says: its description and its routing, frozen at its
 * validation (the reporting area stores it, in the validation's transaction, with the version's
 * documents) and read here by each send, never rebuilt from the practice's live data.
 */
import { parseStored, type ReportDocumentRow } from '@rayon/db';
import { buildReportCda, reportDocumentInput, type ReportDocument } from '@rayon/documents';
import { z } from 'zod';

/** The kind of the stored snapshot among a version's documents (application/json). */
export const DESCRIPTION_KIND = 'description';

/** Where the sends of a version go, as it was validated. */
export interface DescriptionRouting {
  /** The referring professional's MSSanté address when the version was validated. */
  referrerMailbox: string | null;
}

/** What is frozen with a validated version: its description and its routing. */
export interface FrozenDescription {
  description: ReportDocument;
  routing: DescriptionRouting;
}

/** The stored snapshot, read back through this schema (`parseStored`), never cast. */
const storedShape = z.object({
  description: reportDocumentInput,
  routing: z.object({ referrerMailbox: z.string().nullable() }),
});

/** The row that stores a frozen description (`insertReportDocument`). */
export function frozenDescriptionDocument(versionId: string, frozen: FrozenDescription) {
  return {
    versionId,
    kind: DESCRIPTION_KIND,
    mediaType: 'application/json',
    content: Buffer.from(JSON.stringify(frozen), 'utf8'),
  } as const;
}

/** The frozen description among a version's stored documents, parsed (undefined: none stored). */
export function frozenDescriptionIn(documents: ReportDocumentRow[]): FrozenDescription | undefined {
  const row = documents.find((d) => d.kind === DESCRIPTION_KIND);
  if (!row) return undefined;
  const stored: unknown = JSON.parse(row.content.toString('utf8'));
  return parseStored(storedShape, stored, 'frozen report description');
}

/**
 * A correction sent as an original where the earlier version never arrived: its description
 * without `document.replaces`, and its CDA built from it around the stored PDF (no relatedDocument
 * RPLC naming a document the destination does not have). Deterministic: the same bytes each time.
 * Hypothesis: for a destination that never received the first version, the correction is its
 * first document of the set (same setId, its own id and version number), sent without
 * relatedDocument — the DMP refuses an RPLC, in the metadata or the CDA, of an entry it does not
 * hold (the simulator applies that rule), and no CI-SIS text we have covers this case otherwise.
 */
export function asOriginal(
  description: ReportDocument,
  pdf: Buffer,
): { description: ReportDocument; cda: Buffer } {
  const { replaces: _replaced, ...document } = description.document;
  const original = { ...description, document };
  return { description: original, cda: Buffer.from(buildReportCda(original, pdf), 'utf8') };
}
