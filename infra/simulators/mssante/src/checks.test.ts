import { zipSync } from 'fflate';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMssanteMessage, type MssanteMessage } from '@rayon/connectors/mssante';
import { exampleDescription, exampleDocuments } from '@rayon/connectors/mssante/test-fixtures';
import { checkMail, checkRecipient, checkXdm, insOf, isInsMatricule, MailRejection } from './checks.ts';

const FROM = 'rayon-test@imagerie-test.mssante.fr';
const enc = (s: string) => new TextEncoder().encode(s);

async function built(kind: 'professional' | 'patient' = 'professional'): Promise<MssanteMessage> {
  const description = exampleDescription('qualified-ins');
  return buildMssanteMessage({
    description,
    ...exampleDocuments(description),
    from: FROM,
    to: kind === 'patient' ? '279035121518989@patient.mssante.fr' : 'dr@medecin.mssante.fr',
    kind,
    nil: 'NIL-1',
  });
}

async function check(raw: Buffer, rcptTo = ['dr@medecin.mssante.fr']) {
  return checkMail({ mail: await simpleParser(raw), raw, mailFrom: FROM, rcptTo });
}

const rejection = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MailRejection);
  return err as MailRejection;
};

/** Replaces one header line of the raw mail (or removes it with `null`). */
function withHeader(raw: Buffer, name: string, value: string | null): Buffer {
  const text = raw.toString('latin1');
  const re = new RegExp(`^${name}: .*\\r\\n`, 'mi');
  const replaced = re.test(text)
    ? text.replace(re, value === null ? '' : `${name}: ${value}\r\n`)
    : text.replace(/\r\n\r\n/, value === null ? '\r\n\r\n' : `\r\n${name}: ${value}\r\n\r\n`);
  return Buffer.from(replaced, 'latin1');
}

describe('simulator checks', () => {
  it('accepts what the connector builds', async () => {
    const m = await built();
    const checked = await check(m.raw);
    expect(checked.headers['x-mss-ins']).toBe('O');
    expect(checked.xdm.subset).toBe('IHE_XDM/SUBSET01/');
    expect(Object.keys(checked.xdm.documents)).toEqual(['DOC0001.XML']);
    const patient = await built('patient');
    await expect(check(patient.raw, ['279035121518989@patient.mssante.fr'])).resolves.toBeDefined();
  });

  it('requires the X-MSS headers and the MDN request', async () => {
    const m = await built();
    expect((await rejection(check(withHeader(m.raw, 'X-MSS-NIL', null)))).message).toMatch(/X-MSS-NIL/);
    expect((await rejection(check(withHeader(m.raw, 'Disposition-Notification-To', null)))).message).toMatch(
      /Disposition-Notification-To/,
    );
    expect((await rejection(check(withHeader(m.raw, 'X-MSS-CODECDA', '11488-4')))).message).toMatch(
      /X-MSS-CODECDA/,
    );
    expect((await rejection(check(withHeader(m.raw, 'X-MSS-INS', null)))).message).toMatch(/X-MSS-INS/);
    expect((await rejection(check(withHeader(m.raw, 'X-MSS-INS', 'N')))).message).toMatch(/vaut N/);
    expect((await rejection(check(withHeader(m.raw, 'X-MSS-MES', 'FIN')))).message).toMatch(/patient/);
    const patient = await built('patient');
    expect(
      (
        await rejection(
          check(withHeader(patient.raw, 'X-MSS-MES', 'NON'), ['279035121518989@patient.mssante.fr']),
        )
      ).message,
    ).toMatch(/FIN/);
  });

  it('requires the From to be the sender mailbox and UTF-8', async () => {
    const m = await built();
    const other = withHeader(m.raw, 'From', 'autre@x.mssante.fr');
    expect((await rejection(check(other))).responseCode).toBe(550);
    const latin = Buffer.from(
      m.raw.toString('latin1').replace(/charset=utf-8/i, 'charset=iso-8859-1'),
      'latin1',
    );
    expect((await rejection(check(latin))).message).toMatch(/UTF-8/);
  });

  it('sends a patient mail only with the INS of that patient', async () => {
    const m = await built('patient');
    expect((await rejection(check(m.raw, ['178010112345678@patient.mssante.fr']))).message).toMatch(
      /INS qualifié/,
    );
  });

  it('checks the XDM layout', () => {
    const meta = (uri: string) =>
      `<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"><rim:RegistryObjectList xmlns:rim="x"><rim:ExtrinsicObject id="a"><rim:Slot name="URI"><rim:ValueList><rim:Value>${uri}</rim:Value></rim:ValueList></rim:Slot></rim:ExtrinsicObject><rim:RegistryPackage id="s"><rim:ExternalIdentifier identificationScheme="urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446" value="IPP1^^^&amp;1.2.3&amp;ISO^PI"/></rim:RegistryPackage></rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;
    const zip = (files: Record<string, string>) =>
      Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, enc(v)]))));
    const base = { 'INDEX.HTM': 'i', 'README.TXT': 'r' };
    expect(
      checkXdm(
        zip({
          ...base,
          'IHE_XDM/SUBSET01/METADATA.XML': meta('DOC0001.XML'),
          'IHE_XDM/SUBSET01/DOC0001.XML': 'x',
        }),
      ).patientId,
    ).toBe('IPP1^^^&1.2.3&ISO^PI');
    expect(() => checkXdm(Buffer.from('not a zip'))).toThrow(/ZIP/);
    expect(() => checkXdm(zip({ 'README.TXT': 'r' }))).toThrow(/INDEX\.HTM/);
    expect(() => checkXdm(zip(base))).toThrow(/METADATA\.XML manquant/);
    expect(() => checkXdm(zip({ ...base, 'IHE_XDM/SUBSET01/METADATA.XML': '<root/>' }))).toThrow(
      /SubmitObjectsRequest/,
    );
    expect(() => checkXdm(zip({ ...base, 'IHE_XDM/SUBSET01/METADATA.XML': meta('DOC0001.XML') }))).toThrow(
      /DOC0001\.XML annoncé/,
    );
  });

  it('reads the INS of a patientId and checks recipients', () => {
    expect(insOf('279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH')).toBe('279035121518989');
    expect(insOf('279035121518989^^^&1.2.3&ISO^NH')).toBeNull();
    expect(insOf('IPP1^^^&1.2.250.1.213.1.4.10&ISO^PI')).toBeNull();
    expect(() => checkRecipient('dr@medecin.mssante.fr')).not.toThrow();
    expect(() => checkRecipient('dr@gmail.com')).toThrow(/espace de confiance/);
    expect(() => checkRecipient('279035121518988@patient.mssante.fr')).toThrow(/patient invalide/);
    expect(() => checkRecipient('279035121518989@patient.mssante.fr')).not.toThrow();
  });
});

describe("the simulator's own matricule INS check (patient mailboxes)", () => {
  it('accepts NIRs and NIAs with their key, Corsican ones with 2A as 19 and 2B as 18', () => {
    expect(isInsMatricule('279035121518989')).toBe(true);
    expect(isInsMatricule('180032B02040123')).toBe(true);
    expect(isInsMatricule('186022a21532523')).toBe(true);
  });

  it('refuses a wrong key, a wrong structure or length', () => {
    expect(isInsMatricule('279035121518988')).toBe(false);
    expect(isInsMatricule('579035121518989')).toBe(false);
    expect(isInsMatricule('279135121518989')).toBe(false);
    expect(isInsMatricule('27903512151898')).toBe(false);
  });
});
