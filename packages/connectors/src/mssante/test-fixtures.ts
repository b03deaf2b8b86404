/**
 * Test-only: real report descriptions (packages/documents/examples) and their real CDA, so the
 * MSSanté tests carry what the pipeline will carry. Not exported by the package. The documents
 * package is imported by path: the connectors do not depend on it outside the tests.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildReportCda, parseReportDocument, type ReportDocument } from '@rayon/documents';

export type { ReportDocument };

const examples = fileURLToPath(new URL('../../../documents/examples/', import.meta.url));

export function exampleDescription(
  name:
    | 'qualified-ins'
    | 'identity-not-qualified'
    | 'replacement'
    | 'accented-names'
    | 'several-exams'
    | 'referrer-adeli'
    | 'referrer-name-only',
): ReportDocument {
  return parseReportDocument(JSON.parse(readFileSync(`${examples}${name}.json`, 'utf8')));
}

/** A small PDF-looking payload (the CDA builder only base64-encodes it). */
export const FAKE_PDF = new TextEncoder().encode(
  '%PDF-1.4\n% Rayon test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n',
);

export function exampleDocuments(description: ReportDocument): { cda: Uint8Array; pdf: Uint8Array } {
  return { cda: new TextEncoder().encode(buildReportCda(description, FAKE_PDF)), pdf: FAKE_PDF };
}
