import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';
import { requireInsiConformance } from './shared.ts';

/**
 * XML Schema validation of what crosses the wire, with libxml2 (xmllint-wasm) on the official
 * INSi XSDs (read from the shared conformance folder, services/insi/wsdl/xsd, see shared.ts; they are
 * registered under the virtual names `conformance/wsdl/xsd/…` that our envelope schemas import):
 *
 * - requests: the whole SOAP envelope against schemas/soap12-envelope-insi.xsd, our envelope of
 *   ICIRServiceBinding whose header blocks and bodies are references to the official XSDs
 *   (ContexteBAM, ContexteLPS, wsse:Security, RECSANSVITALE, RECVITALE);
 * - answers (tests): RESULTAT against INSi_RESULTAT_INS.xsd, siram:Erreur against
 *   schema_faultSOAP_V01_01.xsd.
 *
 * The schema files are read once, at first use, and kept in memory. xmllint-wasm runs one
 * xmllint per call in a worker thread and offers no way to keep a compiled schema, so each
 * validation re-parses the schemas (≈0.1 s): fine for a simulator.
 */
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENVELOPE_SCHEMA = 'schemas/soap12-envelope-insi.xsd';
export const RESULTAT_SCHEMA = 'conformance/wsdl/xsd/ServiceIdentiteCertifiee/INSi_RESULTAT_INS.xsd';
export const FAULT_SCHEMA = 'conformance/wsdl/xsd/schema_faultSOAP_V01_01.xsd';

export interface SchemaVerdict {
  valid: boolean;
  /** xmllint messages without file names, e.g. "Element '{urn:siram:bam:ctxbam}Emetteur': This element is not expected." */
  errors: string[];
}

let files: Map<string, XMLFileInfo> | undefined;

function schemaFiles(): Map<string, XMLFileInfo> {
  if (files) return files;
  const found = new Map<string, XMLFileInfo>();
  const walk = (dir: string, base: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, base, prefix);
      else if (entry.name.endsWith('.xsd')) {
        const fileName = prefix + relative(base, path).split('\\').join('/');
        found.set(fileName, { fileName, contents: readFileSync(path) });
      }
    }
  };
  const official = join(requireInsiConformance(), 'wsdl', 'xsd');
  walk(official, official, 'conformance/wsdl/xsd/');
  const ours = join(PACKAGE_ROOT, 'schemas');
  walk(ours, ours, 'schemas/');
  files = found;
  return found;
}

async function validate(xml: string, schemaName: string): Promise<SchemaVerdict> {
  const all = schemaFiles();
  const schema = all.get(schemaName);
  if (!schema) throw new Error(`schema ${schemaName} not found under ${PACKAGE_ROOT}`);
  const result = await validateXML({
    xml: [{ fileName: 'message.xml', contents: xml }],
    schema: [schema],
    preload: [...all.values()].filter((f) => f !== schema),
  });
  return {
    valid: result.valid,
    errors: result.errors
      .map((e) => e.message.replace(/^.*?Schemas validity error : /, '').trim())
      .filter((m) => m !== '' && !/fails to validate$/.test(m)),
  };
}

/** The request envelope of either operation, headers and body. */
export function validateRequestEnvelope(xml: string): Promise<SchemaVerdict> {
  return validate(xml, ENVELOPE_SCHEMA);
}

/** A standalone RESULTAT element (or siram:Erreur with FAULT_SCHEMA). */
export function validateAgainst(xml: string, schema: typeof RESULTAT_SCHEMA | typeof FAULT_SCHEMA) {
  return validate(xml, schema);
}
