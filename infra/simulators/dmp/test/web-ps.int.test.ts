import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { OrganisationCertificate } from '@rayon/connectors/certificates';
import { sendReportToDmp } from '@rayon/connectors/dmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The documents package renders the real CDAs (test-only relative import: the simulator does not depend on it).
import { parseReportDocument, renderReport } from '@rayon/documents';
import {
  createDmpTestPki,
  renderWebPsPage,
  startDmpSimulator,
  WEB_PS_FIELDS,
  type DmpSimulator,
  type StoredDmpDocument,
} from '../src/index.ts';

/** TD0.9 web-PS contextual access (Rayon's hypothesis, national-services.md §1.8). */
const examples = fileURLToPath(new URL('../../../../packages/documents/examples/', import.meta.url));
const pki = createDmpTestPki();
const certificate = OrganisationCertificate.fromPem(pki.clients.organisation);
const TEST_OID = '1.2.250.1.213.1.4.10';
let sim: DmpSimulator;
let storedTitle = '';

const escaped = (v: string) =>
  v
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const valid = { ins: '279035121518989', ins_oid: TEST_OID, page: 'dossier-patient' };

async function post(body: string, contentType = 'application/x-www-form-urlencoded', method = 'POST') {
  const res = await fetch(`${sim.adminUrl}/web-ps`, {
    method,
    headers: { 'Content-Type': contentType },
    ...(method === 'GET' ? {} : { body }),
  });
  return { status: res.status, type: res.headers.get('content-type'), html: await res.text() };
}

beforeAll(async () => {
  sim = await startDmpSimulator({ pki, adminPort: 0 });
  // One report fed by the connector, for the test patient 279035121518989 (test OID).
  const description = parseReportDocument(JSON.parse(readFileSync(`${examples}qualified-ins.json`, 'utf8')));
  const { cda } = await renderReport(description, {
    producedAt: new Date(description.document.effectiveTime),
  });
  const sent = await sendReportToDmp({
    endpoint: sim.url,
    ca: pki.caChainPem,
    certificate,
    software: { name: 'Rayon', version: '0.1.0', homologation: 'TEST' },
    description,
    cda,
    timeoutMs: 10_000,
  });
  if (sent.status !== 'success') throw new Error(`the report did not reach the simulator: ${sent.status}`);
  storedTitle = sim.documents()[0]?.title ?? '';
});
afterAll(async () => {
  await sim?.close();
});

describe('DMP simulator: POST /web-ps (TD0.9, hypothesis)', () => {
  it('field names are ins, ins_oid, page', () => {
    expect(WEB_PS_FIELDS).toEqual({ ins: 'ins', insOid: 'ins_oid', page: 'page' });
  });

  it('dossier-patient: the documents held for that INS, in a French HTML page', async () => {
    expect(storedTitle).not.toBe('');
    const r = await post(form(valid));
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/html; charset=utf-8');
    expect(r.html).toContain('<title>DMP — accès web-PS (simulateur)</title>');
    expect(r.html).toContain('<html lang="fr">');
    expect(r.html).toContain('Dossier patient');
    expect(r.html).toContain('279035121518989');
    expect(r.html).toContain(escaped(storedTitle));
    expect(r.html).toContain('Validé');
    expect(r.html).toContain('22/11/2026');
    expect(r.html).not.toContain('Aucun document');
  });

  it('another INS (or the same matricule with another OID) has no document', async () => {
    const other = await post(form({ ...valid, ins: '162018885045327' }));
    expect(other.status).toBe(200);
    expect(other.html).toContain('162018885045327');
    expect(other.html).toContain('Aucun document');
    const nir = await post(form({ ...valid, ins_oid: '1.2.250.1.213.1.4.8' }));
    expect(nir.html).toContain('Aucun document');
  });

  it('tableau-de-bord: the dashboard page, without the document list', async () => {
    const r = await post(form({ ...valid, page: 'tableau-de-bord' }));
    expect(r.status).toBe(200);
    expect(r.html).toContain('Tableau de bord du professionnel');
    expect(r.html).not.toContain(escaped(storedTitle));
  });

  it('a Corsican NIR (2A) with its key is accepted', async () => {
    // 1 85 05 2A 004 001 + key 97 − (1850519004001 mod 97).
    const key = 97 - Number(1850519004001n % 97n);
    const r = await post(form({ ...valid, ins: `185052A004001${String(key).padStart(2, '0')}` }));
    expect(r.status).toBe(200);
  });

  it('wrong fields get a 400 page naming them in French', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ ...valid, ins: '279035121518988' }, 'ins', 'clé de contrôle'],
      [{ ...valid, ins: '27903512151898' }, 'ins', '15 caractères'],
      [{ ...valid, ins: '2 79 03 51 215 189 89' }, 'ins', '15 caractères'],
      [{ ...valid, ins: '979035121518989' }, 'ins', 'structure d&#39;un NIR'],
      [{ ...valid, ins_oid: '1.2.250.1.213.1.4.2' }, 'ins_oid', 'OID'],
      [{ ...valid, page: 'accueil' }, 'page', 'page inconnue'],
      [{ ins_oid: TEST_OID, page: 'dossier-patient' }, 'ins', 'champ absent'],
    ];
    for (const [fields, field, reason] of cases) {
      const r = await post(form(fields));
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(r.html).toContain(`Champ « ${field} »`);
      expect(r.html).toContain(reason);
    }
    const twice = await post(`${form(valid)}&ins=162018885045327`);
    expect(twice.status).toBe(400);
    expect(twice.html).toContain('plusieurs fois');
    const empty = await post('');
    expect(empty.status).toBe(400);
    for (const f of ['ins', 'ins_oid', 'page']) expect(empty.html).toContain(`Champ « ${f} »`);
  });

  it('what is echoed back is HTML-escaped', async () => {
    const r = await post(form({ ...valid, page: '<script>alert(1)</script>' }));
    expect(r.status).toBe(400);
    expect(r.html).not.toContain('<script>');
    const html = renderWebPsPage(
      { ins: { matricule: valid.ins, oid: TEST_OID }, page: 'dossier-patient' },
      [
        {
          title: 'Scanner <img src=x onerror=alert(1)> & "co"',
          serviceStartTime: '20261122094200',
          creationTime: '20261122094200',
          status: 'approved',
        } as StoredDmpDocument,
      ],
      true,
    );
    expect(html).toContain('Scanner &lt;img src=x onerror=alert(1)&gt; &amp; &quot;co&quot;');
    expect(html).not.toContain('<img');
  });

  it('405 for another method, 415 for another content type, and malformed bodies do not stop it', async () => {
    const get = await post('', undefined, 'GET');
    expect(get.status).toBe(405);
    const put = await post(form(valid), undefined, 'PUT');
    expect(put.status).toBe(405);
    expect((await post(JSON.stringify(valid), 'application/json')).status).toBe(415);
    expect((await post(form(valid), 'multipart/form-data; boundary=x')).status).toBe(415);
    expect((await post(form(valid), 'application/x-www-form-urlencoded; charset=UTF-8')).status).toBe(200);
    // Bad percent-escapes, invalid UTF-8, NUL bytes, an oversized body, a client that goes away.
    expect((await post('ins=%E0%A4%A&ins_oid=%%%&page=%FF%FE')).status).toBe(400);
    const bytes = Buffer.from([0x69, 0x6e, 0x73, 0x3d, 0xff, 0xfe, 0x00, 0x26, 0x3d, 0x3d]);
    const bin = await fetch(`${sim.adminUrl}/web-ps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: bytes,
    });
    expect(bin.status).toBe(400);
    const big = await fetch(`${sim.adminUrl}/web-ps`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `ins=${'1'.repeat(64 * 1024)}`,
    }).then(
      (r) => r.status,
      () => 'reset',
    );
    expect([413, 'reset']).toContain(big);
    await new Promise<void>((resolve) => {
      const req = request(`${sim.adminUrl}/web-ps`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '1000' },
      });
      req.on('error', () => resolve());
      req.write('ins=2790', () => {
        req.destroy();
        resolve();
      });
    });
    // Still serving, and the admin routes are untouched.
    expect((await post(form(valid))).status).toBe(200);
    expect((await fetch(`${sim.adminUrl}/documents`)).status).toBe(200);
  });
});
