import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import {
  buildVihf,
  buildXdsMetadata,
  DeliveryError,
  dmpEntryUuid,
  existence,
  findDocuments,
  provideAndRegister,
  reportPatientExistence,
  sendReportToDmp,
  updateDocumentSet,
  updateReportVisibility,
  withdraw,
  withdrawReportFromDmp,
  type DmpDocumentDescription,
} from '@rayon/connectors/dmp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// The documents package renders the real CDAs (test-only relative import: the simulator does not depend on it).
import { parseReportDocument, renderReport, type ReportDocument } from '@rayon/documents';
import { createDmpTestPki, startDmpSimulator, type DmpSimulator } from '../src/index.ts';
import { validateCdaToolPath } from '../src/shared.ts';

const examples = fileURLToPath(new URL('../../../../packages/documents/examples/', import.meta.url));
const pki = createDmpTestPki();
const certificate = OrganisationCertificate.fromPem(pki.clients.organisation);
let sim: DmpSimulator;

async function render(name: string, patch?: (d: ReportDocument) => void) {
  const description = parseReportDocument(JSON.parse(readFileSync(`${examples}${name}.json`, 'utf8')));
  patch?.(description);
  const { cda } = await renderReport(description, {
    producedAt: new Date(description.document.effectiveTime),
  });
  return { description, cda };
}

function vihfFor(description: DmpDocumentDescription, cert = certificate) {
  const ins = description.patient.ins as { matricule: string; oid: string };
  return buildVihf({
    certificate: cert,
    structure: {
      idNat: description.organisation.idNat,
      name: description.organisation.name,
      facilityType: description.organisation.facilityType.code,
    },
    author: {
      kind: 'professional',
      rpps: description.radiologist.rpps,
      name: `${description.radiologist.familyName}, ${description.radiologist.givenName ?? ''}`,
      specialty: { code: 'SM44', label: 'Radio-diagnostic (SM)' },
    },
    patientIns: ins,
    software: { name: 'Rayon', version: '0.1.0', homologation: 'TEST' },
  }).xml;
}

async function send(
  description: DmpDocumentDescription,
  cda: string,
  o: { cert?: OrganisationCertificate } = {},
) {
  const metadata = buildXdsMetadata(description, { cda });
  return provideAndRegister({
    endpoint: sim.url,
    ca: pki.caChainPem,
    certificate: o.cert ?? certificate,
    vihf: vihfFor(description, o.cert),
    metadata,
    cda,
    timeoutMs: 10_000,
  });
}

async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DeliveryError) return e;
    throw e;
  }
  throw new Error('expected a DeliveryError');
}

beforeAll(async () => {
  sim = await startDmpSimulator({ pki, adminPort: 0 });
});
afterAll(async () => {
  await sim?.close();
});

describe('DMP simulator ← connectors ITI-41 / ITI-57', () => {
  it('stores a rendered CDA with its metadata, then RPLC deprecates it, then ITI-57 deletes the new version', async () => {
    const v1 = await render('qualified-ins');
    expect(await send(v1.description, v1.cda)).toEqual({ status: 'success', alreadyPresent: false });
    let docs = sim.documents();
    expect(docs).toHaveLength(1);
    const stored = docs[0];
    expect(stored).toMatchObject({
      entryUuid: dmpEntryUuid(v1.description.document.id),
      uniqueId: v1.description.document.id,
      status: 'approved',
      patientId: '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH',
      typeCode: '18748-4',
      classCode: '10',
      formatCode: 'urn:ihe:iti:xds-sd:pdf:2008',
      healthcareFacilityTypeCode: v1.description.organisation.facilityType.code,
      practiceSettingCode: 'AMBULATOIRE',
      confidentialityCodes: ['N'],
      structureId: pki.structureId,
      mimeType: 'text/xml',
    });
    expect(stored?.cda.toString('utf8')).toBe(v1.cda);

    // A retry after a lost answer: the DMP already holds it; nothing is stored twice.
    expect(await send(v1.description, v1.cda)).toEqual({ status: 'success', alreadyPresent: true });
    expect(sim.documents()).toHaveLength(1);

    const v2 = await render('replacement');
    expect(v2.description.document.replaces).toBe(v1.description.document.id);
    await send(v2.description, v2.cda);
    docs = sim.documents();
    const old = docs.find((d) => d.uniqueId === v1.description.document.id);
    const replacement = docs.find((d) => d.uniqueId === v2.description.document.id);
    expect(old).toMatchObject({ status: 'deprecated', replacedBy: replacement?.entryUuid });
    expect(replacement).toMatchObject({ status: 'approved', replaces: old?.entryUuid });

    const admin = (await (await fetch(`${sim.adminUrl}/documents`)).json()) as {
      uniqueId: string;
      status: string;
    }[];
    expect(admin.map((d) => [d.uniqueId, d.status])).toEqual([
      [v1.description.document.id, 'deprecated'],
      [v2.description.document.id, 'approved'],
    ]);
    expect(admin[0]).not.toHaveProperty('cda');
    const cdaBack = await fetch(`${sim.adminUrl}/documents/${v2.description.document.id}/cda`);
    expect(await cdaBack.text()).toBe(v2.cda);

    const ins = v2.description.patient.ins as { matricule: string; oid: string };
    await withdraw({
      endpoint: sim.url,
      ca: pki.caChainPem,
      certificate,
      vihf: vihfFor(v2.description),
      entryUuid: replacement?.entryUuid as string,
      patientIns: ins,
      author: v2.description.radiologist,
      organisation: v2.description.organisation,
      sourceId: v2.description.accessionAuthority,
    });
    expect(sim.documents().find((d) => d.uniqueId === v2.description.document.id)?.status).toBe('deleted');
  });

  it('TD0.2: the test patient has a DMP, another INS has none', async () => {
    const { description } = await render('qualified-ins');
    const ins = description.patient.ins as { matricule: string; oid: string };
    const common = {
      endpoint: sim.url,
      ca: pki.caChainPem,
      certificate,
      sender: { id: '1.2.250.1.999.1', name: 'Rayon' },
    };
    expect(await existence({ ...common, vihf: vihfFor(description), patientIns: ins })).toEqual({
      exists: true,
      status: 'exists',
      authorization: 'VALIDE',
    });
    const other = { matricule: '180036912345649', oid: ins.oid };
    const d2 = { ...description, patient: { ...description.patient, ins: other } };
    expect(await existence({ ...common, vihf: vihfFor(d2), patientIns: other })).toEqual({
      exists: false,
      status: 'none',
    });
  });

  it('an unknown patient is refused with XDSUnknownPatientId, not retryable', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.77';
    });
    const d = {
      ...description,
      patient: { ...description.patient, ins: { matricule: '180036912345649', oid: '1.2.250.1.213.1.4.10' } },
    };
    const error = await rejection(send(d, cda));
    expect(error.retryable).toBe(false);
    expect(error.remote).toMatch(/XDSUnknownPatientId/);
    expect(error.reason).toMatch(/Patient inconnu du DMP/);
  });

  it('bad metadata is refused with XDSRegistryMetadataError', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.78';
    });
    const metadata = buildXdsMetadata(description, { cda });
    const error = await rejection(
      provideAndRegister({
        endpoint: sim.url,
        ca: pki.caChainPem,
        certificate,
        vihf: vihfFor(description),
        metadata: {
          ...metadata,
          xml: metadata.xml.replace('nodeRepresentation="18748-4"', 'nodeRepresentation="11488-4"'),
        },
        cda,
      }),
    );
    expect(error.retryable).toBe(false);
    expect(error.remote).toMatch(/XDSRegistryMetadataError/);
  });

  it('a CDA that says another thing than its metadata is refused', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.83';
    });
    const other = {
      ...description,
      document: { ...description.document, id: '1.2.250.1.999.1.1.20261122.84' },
    };
    const error = await rejection(send(other, cda));
    expect(error.retryable).toBe(false);
    expect(error.remote).toMatch(/XDSRepositoryMetadataError: CDA : ClinicalDocument\/id ≠ uniqueId/);
    const v2 = await render('replacement', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.85';
      d.document.replaces = '1.2.250.1.999.1.1.20261122.83';
    });
    const asFirstVersion = {
      ...v2.description,
      document: { ...v2.description.document, replaces: undefined },
    };
    expect((await rejection(send(asFirstVersion, v2.cda))).remote).toMatch(
      /relatedDocument RPLC sans association/,
    );
  });

  it('a certificate from another CA is refused during the TLS handshake', async () => {
    const { description, cda } = await render('qualified-ins');
    const stranger = OrganisationCertificate.fromPem(pki.clients.otherCa);
    const error = await rejection(send(description, cda, { cert: stranger }));
    expect(error.retryable).toBe(false);
    expect(error.reason).toMatch(/refusé le certificat/);
  });

  it('a VIHF whose signature does not verify is refused', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.79';
    });
    const metadata = buildXdsMetadata(description, { cda });
    const tampered = vihfFor(description).replace('>INDIRECTE<', '>DIRECTE<');
    const error = await rejection(
      provideAndRegister({
        endpoint: sim.url,
        ca: pki.caChainPem,
        certificate,
        vihf: tampered,
        metadata,
        cda,
      }),
    );
    expect(error.retryable).toBe(false);
    expect(error.remote).toMatch(/FailedAuthentication/);
    expect(error.remote).toMatch(/signature invalide/);
  });

  it('a VIHF signed by another structure than the TLS client is refused', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.80';
    });
    const other = OrganisationCertificate.fromPem(pki.clients.otherStructure);
    const metadata = buildXdsMetadata(description, { cda });
    const error = await rejection(
      provideAndRegister({
        endpoint: sim.url,
        ca: pki.caChainPem,
        certificate,
        vihf: vihfFor(description, other),
        metadata,
        cda,
      }),
    );
    expect(error.remote).toMatch(/même structure/);
    expect(sim.documents().some((d) => d.uniqueId === description.document.id)).toBe(false);
  });

  it('an injected HTTP 500 is retryable, and the next attempt succeeds', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.81';
    });
    sim.injectFaults({ count: 1, kind: 'http-500' });
    const error = await rejection(send(description, cda));
    expect(error.retryable).toBe(true);
    expect(error.remote).toMatch(/HTTP 500/);
    expect(await send(description, cda)).toEqual({ status: 'success', alreadyPresent: false });
  });

  it('keeps serving after a malformed request (SOAP fault)', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.82';
    });
    const metadata = buildXdsMetadata(description, { cda });
    const error = await rejection(
      provideAndRegister({
        endpoint: sim.url,
        ca: pki.caChainPem,
        certificate,
        vihf: '<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion"><unclosed>',
        metadata,
        cda,
      }),
    );
    expect(error.retryable).toBe(false);
    expect(await send(description, cda)).toMatchObject({ status: 'success' });
  });
});

describe('DMP simulator: time-outs and retries', () => {
  it('a delayed answer times out (retryable); the DMP kept the document, so the retry finds it already there', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.90';
    });
    sim.injectFaults({ count: 1, kind: 'delay', delayMs: 1500 });
    const metadata = buildXdsMetadata(description, { cda });
    const error = await rejection(
      provideAndRegister({
        endpoint: sim.url,
        ca: pki.caChainPem,
        certificate,
        vihf: vihfFor(description),
        metadata,
        cda,
        timeoutMs: 300,
      }),
    );
    expect(error.retryable).toBe(true);
    expect(error.remote).toBe('timeout');
    await vi.waitFor(
      () => expect(sim.documents().some((d) => d.uniqueId === description.document.id)).toBe(true),
      {
        timeout: 20_000,
        interval: 100,
      },
    );
    expect(await send(description, cda)).toEqual({ status: 'success', alreadyPresent: true });
    expect(sim.documents().filter((d) => d.uniqueId === description.document.id)).toHaveLength(1);
  });
});

describe.skipIf(!validateCdaToolPath())('DMP simulator with validate-cda', () => {
  let strict: DmpSimulator;
  beforeAll(async () => {
    strict = await startDmpSimulator({ pki, validateCda: true });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('accepts the rendered CDA and refuses one that fails the CDA schema', async () => {
    const { description, cda } = await render('qualified-ins');
    const submit = (doc: DmpDocumentDescription, bytes: string) =>
      provideAndRegister({
        endpoint: strict.url,
        ca: pki.caChainPem,
        certificate,
        vihf: vihfFor(doc),
        metadata: buildXdsMetadata(doc, { cda: bytes }),
        cda: bytes,
        timeoutMs: 120_000,
      });
    expect(await submit(description, cda)).toMatchObject({ status: 'success' });
    const other = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.91';
    });
    const broken = other.cda.replace(/(<ClinicalDocument[^>]*>)/, '$1<notInTheSchema/>');
    const error = await rejection(submit(other.description, broken));
    expect(error.retryable).toBe(false);
    expect(error.remote).toMatch(/XDSRepositoryError/);
    expect(strict.documents()).toHaveLength(1);
    // validate-cda runs twice (XSD + the ANS schematron, a JVM-less XSLT): slow on a busy machine.
  }, 180_000);
});

describe('sendReportToDmp / withdrawReportFromDmp (what the delivery job calls)', () => {
  const software = { name: 'Rayon', version: '0.1.0', homologation: 'TEST' };

  it('feeds a version, replaces it, deletes the replacement; a non-qualified identity is not sent', async () => {
    const v1 = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.100';
    });
    const v2 = await render('replacement', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.101';
      d.document.replaces = '1.2.250.1.999.1.1.20261122.100';
    });
    const connection = { endpoint: sim.url, ca: pki.caChainPem, certificate };
    const first = await sendReportToDmp({
      ...connection,
      ...v1,
      software,
      confidentiality: { invisiblePatient: true },
    });
    expect(first).toMatchObject({
      status: 'success',
      alreadyPresent: false,
      uniqueId: v1.description.document.id,
    });
    expect(
      sim.documents().find((d) => d.uniqueId === v1.description.document.id)?.confidentialityCodes,
    ).toEqual(['N', 'INVISIBLE_PATIENT']);
    await sendReportToDmp({ ...connection, ...v2, software });
    const byId = (id: string) => sim.documents().find((d) => d.uniqueId === id);
    expect(byId(v1.description.document.id)?.status).toBe('deprecated');
    expect(byId(v2.description.document.id)?.replaces).toBe(byId(v1.description.document.id)?.entryUuid);
    expect(await withdrawReportFromDmp({ ...connection, description: v2.description, software })).toEqual({
      status: 'success',
      alreadyWithdrawn: false,
    });
    expect(byId(v2.description.document.id)?.status).toBe('deleted');
    // A retry after a lost answer: already done.
    expect(await withdrawReportFromDmp({ ...connection, description: v2.description, software })).toEqual({
      status: 'success',
      alreadyWithdrawn: true,
    });
    const ins = v1.description.patient.ins as { matricule: string; oid: string };
    const entries = await findDocuments({ ...connection, vihf: vihfFor(v1.description), patientIns: ins });
    expect(entries.filter((e) => e.uniqueId.endsWith('.100') || e.uniqueId.endsWith('.101'))).toEqual([
      {
        entryUuid: byId(v1.description.document.id)?.entryUuid,
        lid: byId(v1.description.document.id)?.entryUuid,
        version: '1',
        uniqueId: v1.description.document.id,
        status: 'deprecated',
        confidentialityCodes: ['N', 'INVISIBLE_PATIENT'],
      },
      {
        entryUuid: byId(v2.description.document.id)?.entryUuid,
        lid: byId(v2.description.document.id)?.entryUuid,
        version: '1',
        uniqueId: v2.description.document.id,
        status: 'deleted',
        confidentialityCodes: ['N'],
      },
    ]);

    const count = sim.documents().length;
    const notQualified = await render('identity-not-qualified');
    expect(await sendReportToDmp({ ...connection, ...notQualified, software })).toEqual({
      status: 'not-eligible',
      reason: 'identité non qualifiée : document non envoyé au DMP',
    });
    expect(sim.documents()).toHaveLength(count);
  });

  it('visibility: an entry fed invisible to the patient is made visible by ITI-57 (a new logical version, the listing shows it); done once; masking and connexion secrète are kept', async () => {
    const v = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.200';
    });
    const connection = { endpoint: sim.url, ca: pki.caChainPem, certificate };
    await sendReportToDmp({
      ...connection,
      ...v,
      software,
      confidentiality: { invisiblePatient: true, masquePs: true },
      secretConnection: true,
    });
    const listing = async () =>
      (
        (await (await fetch(`${sim.adminUrl}/documents`)).json()) as {
          uniqueId: string;
          status: string;
          version: number;
          visibility: { patient: boolean; professionals: boolean; legalRepresentatives: boolean };
          secretConnection: boolean;
        }[]
      ).filter((d) => d.uniqueId === v.description.document.id);
    expect(await listing()).toMatchObject([
      {
        status: 'approved',
        version: 1,
        visibility: { patient: false, professionals: false, legalRepresentatives: true },
        secretConnection: true,
      },
    ]);
    const visible = { masquePs: true, invisiblePatient: false };
    expect(
      await updateReportVisibility({ ...connection, ...v, software, confidentiality: visible }),
    ).toMatchObject({ status: 'success', alreadyDone: false, version: '2' });
    expect((await listing()).map((d) => [d.version, d.status, d.visibility])).toEqual([
      [1, 'deprecated', { patient: false, professionals: false, legalRepresentatives: true }],
      [2, 'approved', { patient: true, professionals: false, legalRepresentatives: true }],
    ]);
    const current = sim.documents().find((d) => d.uniqueId === v.description.document.id && d.version === 2);
    expect(current?.confidentialityCodes).toEqual(['N', 'MASQUE_PS']);
    expect(current?.cda.toString('utf8')).toBe(v.cda);
    // A retry after a lost answer: the DMP already shows it; nothing more is sent.
    expect(
      await updateReportVisibility({ ...connection, ...v, software, confidentiality: visible }),
    ).toMatchObject({ status: 'success', alreadyDone: true, version: '2' });
    expect(await listing()).toHaveLength(2);
    // The deletion targets the current version.
    expect(await withdrawReportFromDmp({ ...connection, description: v.description, software })).toEqual({
      status: 'success',
      alreadyWithdrawn: false,
    });
    expect((await listing()).map((d) => d.status)).toEqual(['deprecated', 'deleted']);
  });

  it('ITI-57 metadata update: refuses an unknown entry, a stale version, another uniqueId, another structure, malformed metadata, and hiding again from the patient', async () => {
    const v = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.201';
    });
    const connection = { endpoint: sim.url, ca: pki.caChainPem, certificate };
    await sendReportToDmp({
      ...connection,
      ...v,
      software,
      confidentiality: { invisiblePatient: true, invisibleRepresentantsLegaux: true },
    });
    const entry = sim.documents().find((d) => d.uniqueId === v.description.document.id)!;
    // Hidden from the legal representatives without « connexion secrète »: no VIHF confidentiality-code.
    expect(entry).toMatchObject({
      confidentialityCodes: ['N', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'],
      secretConnection: false,
    });
    let n = 0;
    const update = (
      o: { lid?: string; previousVersion?: string; uniqueId?: string; invisiblePatient?: boolean },
      cert = certificate,
      patch: (xml: string) => string = (x) => x,
    ) => {
      const metadata = buildXdsMetadata(v.description, {
        cda: v.cda,
        ...(o.uniqueId ? { uniqueId: o.uniqueId } : {}),
        confidentiality: { invisiblePatient: o.invisiblePatient ?? false },
        update: {
          entryUuid: `urn:uuid:00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
          lid: o.lid ?? entry.lid,
          previousVersion: o.previousVersion ?? '1',
        },
      });
      return rejection(
        updateDocumentSet({
          ...connection,
          certificate: cert,
          vihf: vihfFor(v.description, cert),
          metadata: { xml: patch(metadata.xml) },
        }),
      );
    };
    const unknown = await update({ lid: 'urn:uuid:00000000-0000-4000-8000-999999999999' });
    expect(unknown.remote).toMatch(/^UnresolvedReferenceException/);
    expect(unknown.retryable).toBe(false);
    expect((await update({ previousVersion: '2' })).remote).toMatch(/^XDSMetadataVersionError/);
    expect((await update({ uniqueId: '1.2.250.1.999.1.1.20261122.299' })).remote).toMatch(
      /^XDSMetadataIdentifierError/,
    );
    const other = OrganisationCertificate.fromPem(pki.clients.otherStructure);
    const stranger = await rejection(
      updateDocumentSet({
        ...connection,
        certificate: other,
        // The other practice's own VIHF (its structure id), about the same patient.
        vihf: vihfFor(
          { ...v.description, organisation: { ...v.description.organisation, idNat: '1990000099' } },
          other,
        ),
        metadata: buildXdsMetadata(v.description, {
          cda: v.cda,
          update: {
            entryUuid: 'urn:uuid:00000000-0000-4000-8000-000000000777',
            lid: entry.lid,
            previousVersion: '1',
          },
        }),
      }),
    );
    expect(stranger.remote).toMatch(/XDSMetadataUpdateError: auteur non autorisé/);
    expect(
      (await update({}, certificate, (x) => x.replace('urn:ihe:iti:xds-sd:pdf:2008', 'urn:x:pdf'))).remote,
    ).toMatch(/^XDSRegistryMetadataError: formatCode/);
    expect((await update({}, certificate, (x) => x.replace(/ lid="[^"]+"/, ''))).remote).toMatch(
      /lid \(identifiant logique\) absent/,
    );
    // Nothing changed by the refusals.
    expect(sim.documents().filter((d) => d.uniqueId === v.description.document.id)).toHaveLength(1);
    // Made visible, it cannot be hidden from the patient again.
    await updateReportVisibility({ ...connection, ...v, software, confidentiality: {} });
    const hideAgain = await update({ previousVersion: '2', invisiblePatient: true });
    expect(hideAgain.remote).toMatch(/XDSMetadataUpdateError: un document visible par le patient/);
    expect(hideAgain.reason).toMatch(/mise à jour/);
  });

  it('TD0.2 cases: a DMP, none, closed, the patient’s opposition, another INS; a DMP opened for any INS when asked', async () => {
    const cases = await startDmpSimulator({
      pki,
      patients: [
        '279035121518989',
        { matricule: '180036912345649', dmp: 'closed' },
        { matricule: '280036912345678', dmp: 'opposed' },
        { matricule: '162018885045327', reportedMatricule: '162018885045399' },
      ],
    });
    const open = await startDmpSimulator({ pki, patients: [], openForAnyIns: true });
    try {
      const { description } = await render('qualified-ins');
      const ask = (matricule: string, at = cases) => {
        const d = {
          ...description,
          patient: { ...description.patient, ins: { matricule, oid: '1.2.250.1.213.1.4.10' } },
        };
        return reportPatientExistence({
          endpoint: at.url,
          ca: pki.caChainPem,
          certificate,
          description: d,
          software,
        });
      };
      expect(await ask('279035121518989')).toEqual({
        exists: true,
        status: 'exists',
        authorization: 'VALIDE',
      });
      expect(await ask('299999999999999')).toEqual({ exists: false, status: 'none' });
      expect(await ask('180036912345649')).toEqual({ exists: false, status: 'closed' });
      expect(await ask('280036912345678')).toEqual({ exists: false, status: 'opposed' });
      expect(await ask('162018885045327')).toEqual({
        exists: true,
        status: 'exists',
        authorization: 'VALIDE',
        reportedIns: { matricule: '162018885045399', oid: '1.2.250.1.213.1.4.10' },
      });
      // A closed or opposed DMP takes no document either.
      const { cda } = await render('qualified-ins', (d) => {
        d.document.id = '1.2.250.1.999.1.1.20261122.210';
        d.patient.ins = { matricule: '280036912345678', oid: '1.2.250.1.213.1.4.10' };
      });
      const opposed = {
        ...description,
        document: { ...description.document, id: '1.2.250.1.999.1.1.20261122.210' },
        patient: {
          ...description.patient,
          ins: { matricule: '280036912345678', oid: '1.2.250.1.213.1.4.10' },
        },
      };
      const refused = await rejection(
        sendReportToDmp({
          endpoint: cases.url,
          ca: pki.caChainPem,
          certificate,
          description: opposed,
          cda,
          software,
        }),
      );
      expect(refused.remote).toMatch(/XDSUnknownPatientId/);
      // The quick start's simulator: any INS has a DMP, and takes the document.
      expect(await ask('299999999999999', open)).toMatchObject({ exists: true, status: 'exists' });
      expect(
        await sendReportToDmp({
          endpoint: open.url,
          ca: pki.caChainPem,
          certificate,
          description: opposed,
          cda,
          software,
        }),
      ).toMatchObject({ status: 'success' });
      expect(open.documents()).toHaveLength(1);
    } finally {
      await cases.close();
      await open.close();
    }
  });

  it('a médecin without savoir-faire in the VIHF role is refused', async () => {
    const { description, cda } = await render('qualified-ins', (d) => {
      d.document.id = '1.2.250.1.999.1.1.20261122.102';
    });
    const vihf = buildVihf({
      certificate,
      structure: { idNat: description.organisation.idNat, name: 'x', facilityType: 'SA08' },
      author: { kind: 'professional', rpps: description.radiologist.rpps, name: 'BIDEAULT, Jacques' },
      patientIns: description.patient.ins as { matricule: string; oid: string },
      software,
    }).xml;
    const error = await rejection(
      provideAndRegister({
        endpoint: sim.url,
        ca: pki.caChainPem,
        certificate,
        vihf,
        metadata: buildXdsMetadata(description, { cda }),
        cda,
      }),
    );
    expect(error.remote).toMatch(/savoir-faire/);
  });
});
