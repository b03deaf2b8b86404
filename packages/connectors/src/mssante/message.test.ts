import { unzipSync } from 'fflate';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMssanteMessage, type MssanteMessageInput } from './message.ts';
import { patientMailbox } from './patient.ts';
import { exampleDescription, exampleDocuments, type ReportDocument } from './test-fixtures.ts';
import { XDM_PATHS } from './xdm.ts';

const FROM = 'rayon-demo@imagerie-demo.mssante.fr';
const REFERRER = 'sophie.martin@medecin.mssante.fr';

function input(
  overrides: Partial<Omit<MssanteMessageInput, 'description'>> & { description?: ReportDocument } = {},
): MssanteMessageInput {
  const description = overrides.description ?? exampleDescription('qualified-ins');
  return {
    description,
    ...exampleDocuments(description),
    from: FROM,
    to: REFERRER,
    kind: 'professional',
    nil: 'RAYON-NIL-0001',
    date: new Date('2026-11-22T10:45:00+01:00'),
    ...overrides,
  };
}

describe('MSSanté message', () => {
  it('carries the XDM archive and the PDF, with the X-MSS headers and an MDN request', async () => {
    const built = await buildMssanteMessage(input());
    const mail = await simpleParser(built.raw);
    expect(mail.from?.value[0]?.address).toBe(FROM);
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address).toBe(REFERRER);
    expect(mail.messageId).toBe(built.messageId);
    expect(built.messageId).toMatch(/^<[0-9a-f]{32}\.rayon@imagerie-demo\.mssante\.fr>$/);
    expect(mail.subject).toBe("XDM/1.0/DDM+Compte rendu d'imagerie médicale PAT-TROIS DOMINIQUE 28/03/1979");
    expect(mail.headers.get('x-mss-nil')).toBe('RAYON-NIL-0001');
    expect(mail.headers.get('x-mss-codecda')).toBe('18748-4');
    expect(mail.headers.get('x-mss-ins')).toBe('O');
    expect(mail.headers.has('x-mss-mes')).toBe(false);
    expect(mail.headers.get('disposition-notification-to')).toMatchObject({ value: [{ address: FROM }] });
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });

    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['IHE_XDM.zip', 'application/zip'],
      ['20261122_CR_d_imagerie_medicale_PAT_TROIS_DOMINIQUE.pdf', 'application/pdf'],
    ]);
    const [zip, pdf] = mail.attachments;
    expect(zip!.contentDisposition).toBe('attachment');
    const files = unzipSync(new Uint8Array(zip!.content));
    expect(Object.keys(files)).toContain(XDM_PATHS.metadata);
    expect(new TextDecoder().decode(files[XDM_PATHS.document])).toContain('<ClinicalDocument');
    expect(Buffer.compare(pdf!.content, Buffer.from(input().pdf))).toBe(0);

    // French body, without the patient's identity or INS.
    expect(mail.text).toContain("Veuillez trouver ci-joint le compte rendu d'imagerie médicale.");
    expect(mail.text).toContain('IRM du genou droit (22/11/2026)');
    expect(mail.text).not.toContain('PAT-TROIS');
    expect(mail.text).not.toContain('279035121518989');
    // Header names spelt as the socle spells them.
    const head = built.raw.toString('latin1').split('\r\n\r\n')[0]!;
    for (const name of ['X-MSS-NIL: ', 'X-MSS-CODECDA: ', 'X-MSS-INS: ', 'Disposition-Notification-To: ']) {
      expect(head.split('\r\n').some((line) => line.startsWith(name))).toBe(true);
    }
    // UTF-8 everywhere (SC.MSS/CONF.19).
    expect(built.raw.toString('latin1')).toMatch(/charset=utf-8/i);
  });

  it('says X-MSS-INS: N and carries no INS for an identity that is not qualified', async () => {
    const description = exampleDescription('identity-not-qualified');
    const built = await buildMssanteMessage(input({ description }));
    const mail = await simpleParser(built.raw);
    expect(mail.headers.get('x-mss-ins')).toBe('N');
    const metadata = new TextDecoder().decode(
      unzipSync(new Uint8Array(mail.attachments[0]!.content))[XDM_PATHS.metadata],
    );
    expect(metadata).toContain('IPP202^^^&amp;1.2.250.1.999.1.3&amp;ISO^PI');
    expect(metadata).not.toContain('^NH');
    expect(built.raw.toString('latin1')).not.toContain('@patient.mssante.fr');
  });

  it('names the referrer as the intended recipient: by RPPS, by ADELI (0 + ADELI) or by name only', async () => {
    const recipientOf = async (name: 'qualified-ins' | 'referrer-adeli' | 'referrer-name-only') => {
      const built = await buildMssanteMessage(input({ description: exampleDescription(name) }));
      const mail = await simpleParser(built.raw);
      const metadata = new TextDecoder().decode(
        unzipSync(new Uint8Array(mail.attachments[0]!.content))[XDM_PATHS.metadata],
      );
      return /<rim:Slot name="intendedRecipient">\s*<rim:ValueList>\s*<rim:Value>([^<]*)</.exec(
        metadata,
      )?.[1];
    };
    expect(await recipientOf('qualified-ins')).toBe(
      `|810003456789^MARTIN^Sophie^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS|^^Internet^${REFERRER}`,
    );
    expect(await recipientOf('referrer-adeli')).toBe(
      `|0751234567^KINÉ-DUPONT^Hélène^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS|^^Internet^${REFERRER}`,
    );
    expect(await recipientOf('referrer-name-only')).toBe(`|^N'DIAYE^Awa|^^Internet^${REFERRER}`);
  });

  it('a title or a practice name that looks like an XML reference stays text in the XDM files', async () => {
    const description = exampleDescription('qualified-ins');
    description.document.title = 'CR &p; &#0; &amp;';
    description.organisation.name = 'Imagerie A&B;';
    const built = await buildMssanteMessage(input({ description }));
    const mail = await simpleParser(built.raw);
    const files = unzipSync(new Uint8Array(mail.attachments[0]!.content));
    const metadata = new TextDecoder().decode(files[XDM_PATHS.metadata]);
    expect(metadata).toContain('value="CR &amp;p; &amp;#0; &amp;amp;"');
    expect(metadata).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
    const index = new TextDecoder().decode(files[XDM_PATHS.index]);
    expect(index).toContain('Emetteur : Imagerie A&amp;B; (');
  });

  it('refuses a patient mail without a qualified INS', async () => {
    const description = exampleDescription('identity-not-qualified');
    await expect(
      buildMssanteMessage(input({ description, kind: 'patient', to: 'someone@patient.mssante.fr' })),
    ).rejects.toThrow(/qualified INS/);
  });

  it('writes to the patient mailbox, with X-MSS-MES: FIN when no reply is wanted', async () => {
    const to = patientMailbox('279035121518989');
    const built = await buildMssanteMessage(input({ kind: 'patient', to, noReply: true }));
    const mail = await simpleParser(built.raw);
    expect(built.envelope.to).toEqual(['279035121518989@patient.mssante.fr']);
    expect(mail.headers.get('x-mss-mes')).toBe('FIN');
    expect(mail.headers.get('x-mss-ins')).toBe('O');
    expect(mail.text).toContain('Madame, Monsieur,');
    expect(mail.text).toContain("il n'est pas possible d'y répondre");
    // A professional mail never carries X-MSS-MES.
    const pro = await simpleParser((await buildMssanteMessage(input({ noReply: true }))).raw);
    expect(pro.headers.has('x-mss-mes')).toBe(false);
  });

  it('sends a corrective mail for a new version, referring to the previous message', async () => {
    const first = await buildMssanteMessage(input());
    const description = exampleDescription('replacement');
    const built = await buildMssanteMessage(input({ description, correctionOf: first.messageId }));
    const mail = await simpleParser(built.raw);
    expect(built.messageId).not.toBe(first.messageId);
    expect(mail.inReplyTo).toBe(first.messageId);
    expect(mail.references).toBe(first.messageId);
    expect(mail.subject).toMatch(/^XDM\/1\.0\/DDM\+Annule et remplace - /);
    expect(mail.text).toContain('annule et remplace la version envoyée précédemment');
  });

  it('keeps the same Message-ID for the same version and recipient (retries)', async () => {
    const a = await buildMssanteMessage(input());
    const b = await buildMssanteMessage(input({ date: new Date('2026-11-22T12:00:00Z') }));
    const c = await buildMssanteMessage(input({ to: 'autre@medecin.mssante.fr' }));
    expect(b.messageId).toBe(a.messageId);
    expect(c.messageId).not.toBe(a.messageId);
    expect(Buffer.from(b.xdm).equals(Buffer.from(a.xdm))).toBe(true);
  });

  it('checks its input', async () => {
    await expect(buildMssanteMessage(input({ to: 'not an address' }))).rejects.toThrow(/to is not/);
    await expect(buildMssanteMessage(input({ nil: '' }))).rejects.toThrow(/X-MSS-NIL/);
    await expect(buildMssanteMessage(input({ correctionOf: 'abc' }))).rejects.toThrow(/Message-ID/);
  });
});
