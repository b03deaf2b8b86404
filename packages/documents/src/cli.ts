/**
 * `pnpm --filter @rayon/documents render <input.json>… --out <dir> [--produced-at <ISO>]`
 * writes, for each description, `<name>.pdf` (PDF/A-1b) and `<name>.xml` (CDA R2 N1) into
 * <dir>. The production date defaults to the document's effectiveTime, so the same input gives
 * the same bytes. `… schema` prints the input's JSON Schema. Exit 1 on bad input (each wrong
 * field named), 2 on bad usage.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DocumentInputError, parseReportDocument, reportDocumentJsonSchema } from './input.ts';
import { renderReport } from './render.ts';

const USAGE = 'usage: render <input.json>... --out <dir> [--produced-at <ISO 8601>]\n       render schema';

/** pnpm runs the script in the package folder; paths are the caller's. */
const fromCaller = (p: string) => resolve(process.env.INIT_CWD ?? process.cwd(), p);

async function main(args: string[]): Promise<number> {
  if (args[0] === 'schema') {
    process.stdout.write(`${JSON.stringify(reportDocumentJsonSchema(), null, 2)}\n`);
    return 0;
  }
  const inputs: string[] = [];
  let out: string | undefined;
  let producedAt: Date | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--out') out = args[++i];
    else if (arg === '--produced-at') {
      producedAt = new Date(args[++i] ?? '');
      if (Number.isNaN(producedAt.getTime())) {
        process.stderr.write('--produced-at: not a date\n');
        return 2;
      }
    } else if (arg.startsWith('-')) {
      process.stderr.write(`unknown option ${arg}\n${USAGE}\n`);
      return 2;
    } else inputs.push(arg);
  }
  if (!out || inputs.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dir = fromCaller(out);
  mkdirSync(dir, { recursive: true });
  let failed = 0;
  for (const input of inputs) {
    const name = basename(input).replace(/\.json$/i, '');
    try {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(fromCaller(input), 'utf8'));
      } catch (e) {
        throw new DocumentInputError([
          { path: '', message: `not a readable JSON file: ${(e as Error).message}` },
        ]);
      }
      const doc = parseReportDocument(json);
      const { pdf, cda } = await renderReport(doc, {
        producedAt: producedAt ?? new Date(doc.document.effectiveTime),
      });
      writeFileSync(join(dir, `${name}.pdf`), pdf);
      writeFileSync(join(dir, `${name}.xml`), cda);
      process.stdout.write(
        `${input}: ${name}.pdf (${pdf.length} bytes), ${name}.xml (${cda.length} bytes)\n`,
      );
    } catch (e) {
      if (!(e instanceof DocumentInputError)) throw e;
      failed++;
      process.stderr.write(
        `${input}: invalid description\n${e.issues.map((i) => `  ${i.path || '(document)'}: ${i.message}`).join('\n')}\n`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
