/**
 * The identity feed end to end: the gateway's MLLP listeners, the inbound pipeline and the
 * database, driven by a real external peer (Debian python3-hl7, see ./mllp-peer.ts) and by raw
 * sockets where the peer cannot do what is tested (LF endings, broken frames).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  Database,
  findPatientByIdentifier,
  identityOf,
  insertHl7Route,
  listHl7Messages,
  listIdentifiers,
  listIdentityEvents,
  storeReceivedMessage,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { encodeFrame } from '@rayon/hl7';
import { createInbound } from '@rayon/inbound';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startHl7Listeners } from '../src/hl7/listeners.ts';
import { freePort, send, sendRaw, sendText, shared } from './mllp-peer.ts';

/** The peers of these tests run on this machine: the routes register it as their sender. */
const LOCAL = ['127.0.0.1/32', '::1/128'];

let db: Database;
let a: TenantRef;
let b: TenantRef;
let portA: number;
let sharedPort: number;
let listeners: Awaited<ReturnType<typeof startHl7Listeners>>;
const inbound = () => createInbound({ db });

interface PidSpec {
  ipp: string;
  authority?: string;
  ins?: string;
  family: string;
  given: string;
  forenames?: string;
  birth: string;
  sex: string;
  cog?: string;
  reliability?: string;
  usedFamily?: string;
}

function pid(p: PidSpec): string {
  const f: string[] = Array.from({ length: 33 }, () => '');
  f[0] = 'PID';
  f[1] = '1';
  const ids = [`${p.ipp}^^^${p.authority ?? 'RAYON-TEST'}&1.2.250.1.999.1&ISO^PI`];
  if (p.ins) ids.push(`${p.ins}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS`);
  f[3] = ids.join('~');
  f[5] = `${p.family}^${p.given}^${p.forenames ?? p.given}^^^^L${p.usedFamily ? `~${p.usedFamily}^${p.given}^^^^^D` : ''}`;
  f[7] = p.birth;
  f[8] = p.sex;
  f[11] = p.cog ? `^^^^^^BDL^^${p.cog}` : '';
  f[32] = p.reliability ?? 'PROV';
  return f.join('|');
}

let control = 0;
function adt(
  trigger: string,
  segments: string[],
  o: { charset?: string; msh5?: string; msh6?: string; controlId?: string } = {},
) {
  const id = o.controlId ?? `T${Date.now()}${control++}`;
  const msh = `MSH|^~\\&|GAM|CHU-TEST|${o.msh5 ?? 'RAYON'}|${o.msh6 ?? 'RADIO'}|20261121101010||ADT^${trigger}^ADT_${trigger}|${id}|P|2.5^FRA^2.11|||||FRA|${o.charset ?? 'UNICODE UTF-8'}|FR||2.11^IHE_FRANCE-2.11-PAM`;
  return { id, text: [msh, `EVN||20261121101010`, ...segments].join('\r') + '\r' };
}

const patientOf = async (t: TenantRef, authority: string, value: string) =>
  db.withTenant(t, (tx) => findPatientByIdentifier(tx, authority, value));

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 8 });
  a = await createTestTenant(db);
  b = await createTestTenant(db);
  portA = await freePort();
  sharedPort = await freePort();
  await db.platform((tx) =>
    insertHl7Route(tx, {
      tenantId: a.id,
      port: portA,
      receivingApplication: null,
      receivingFacility: null,
      allowedSources: LOCAL,
    }),
  );
  await db.platform((tx) =>
    insertHl7Route(tx, {
      tenantId: b.id,
      port: null,
      receivingApplication: 'RIS-B',
      receivingFacility: `FAC-${b.slug}`,
      allowedSources: LOCAL,
    }),
  );
  listeners = await startHl7Listeners({
    db,
    inbound: inbound(),
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    sharedPort,
    maxMessageBytes: 1024 * 1024,
    idleTimeoutMs: 60_000,
  });
});
afterAll(async () => {
  await listeners.close();
  await db.close();
});

describe('identity feed over MLLP', () => {
  it('ACKs every ANS PAM-FR example AA and produces the expected identity', async () => {
    const dir = join(shared, 'conformance/hl7v2');
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    const examples = walk(dir).filter((f) => f.endsWith('.er7') && /\|ADT\^/.test(readFileSync(f, 'latin1')));
    expect(examples.length).toBeGreaterThanOrEqual(7);
    for (const file of examples) {
      const { code, out } = await send(portA, file);
      expect(code, `${file}\n${out}`).toBe(0);
      const row = await patientOf(a, 'CHU-X', '000003');
      expect(row, file).toBeDefined();
      const identity = identityOf(row!);
      expect(identity.traits).toEqual({
        birthFamilyName: 'PAT-TROIS',
        firstBirthForename: 'DOMINIQUE',
        birthForenames: 'DOMINIQUE',
        birthDate: '1979-03-28',
        sex: 'F',
        birthPlaceCode: '63220',
      });
      expect(identity.ins).toEqual({ matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' });
      expect(identity.status).toBe('validee');
    }
  });

  it('keeps accented names exactly, in 8859/1 and in UTF-8, and accepts CR, LF and CRLF endings', async () => {
    for (const charset of ['8859/1', 'UNICODE UTF-8']) {
      const ipp = `ACC-${charset.length}`;
      const m = adt(
        'A28',
        [
          pid({
            ipp,
            family: 'NOËL',
            given: 'Gwénaëlle',
            forenames: 'Gwénaëlle Bénédicte',
            birth: '19840229',
            sex: 'F',
            cog: '29019',
          }),
        ],
        { charset },
      );
      const { code, out } = await sendText(portA, m.text, `acc-${charset.length}.hl7`);
      expect(code, out).toBe(0);
      const identity = identityOf((await patientOf(a, 'RAYON-TEST', ipp))!);
      expect(identity.traits).toMatchObject({
        birthFamilyName: 'NOËL',
        firstBirthForename: 'Gwénaëlle',
        birthForenames: 'Gwénaëlle Bénédicte',
      });
    }
    const endings = { cr: '\r', lf: '\n', crlf: '\r\n' };
    for (const [name, eol] of Object.entries(endings)) {
      const m = adt('A28', [
        pid({ ipp: `EOL-${name}`, family: 'FIN', given: 'Ligne', birth: '19700101', sex: 'M' }),
      ]);
      const [ack] = await sendRaw(portA, encodeFrame(Buffer.from(m.text.replaceAll('\r', eol), 'utf8')), 1);
      expect(ack, name).toContain(`MSA|AA|${m.id}`);
      expect(await patientOf(a, 'RAYON-TEST', `EOL-${name}`)).toBeDefined();
    }
  });

  it('processes the same MSH-10 once and answers it the same ACK again', async () => {
    const m = adt('A28', [
      pid({ ipp: 'DUP-1', family: 'DOUBLE', given: 'Envoi', birth: '19900101', sex: 'F' }),
    ]);
    const [first, second] = await sendRaw(
      portA,
      Buffer.concat([encodeFrame(Buffer.from(m.text)), encodeFrame(Buffer.from(m.text))]),
      2,
    );
    expect(first).toContain(`MSA|AA|${m.id}`);
    expect(second).toBe(first);
    const row = (await patientOf(a, 'RAYON-TEST', 'DUP-1'))!;
    expect(await db.withTenant(a, (tx) => listIdentityEvents(tx, row.id))).toHaveLength(1);
  });

  it('A31 updates, A40 merges (the absorbed patient’s identifiers move), A47 changes an identifier, A11 is accepted', async () => {
    for (const ipp of ['M-1', 'M-2']) {
      expect(
        (
          await sendText(
            portA,
            adt('A28', [pid({ ipp, family: 'FUSION', given: 'Anne', birth: '19600505', sex: 'F' })]).text,
            `${ipp}.hl7`,
          )
        ).code,
      ).toBe(0);
    }
    const a31 = adt('A31', [
      pid({ ipp: 'M-1', family: 'FUSION', given: 'Anne', birth: '19600505', sex: 'F', usedFamily: 'MARTIN' }),
    ]);
    expect((await sendText(portA, a31.text, 'a31.hl7')).code).toBe(0);
    expect(identityOf((await patientOf(a, 'RAYON-TEST', 'M-1'))!).complementary.usedFamilyName).toBe(
      'MARTIN',
    );

    const a40 = adt('A40', [
      pid({ ipp: 'M-1', family: 'FUSION', given: 'Anne', birth: '19600505', sex: 'F' }),
      'MRG|M-2^^^RAYON-TEST&1.2.250.1.999.1&ISO^PI',
    ]);
    expect((await sendText(portA, a40.text, 'a40.hl7')).code).toBe(0);
    const survivor = (await patientOf(a, 'RAYON-TEST', 'M-1'))!;
    expect((await patientOf(a, 'RAYON-TEST', 'M-2'))!.id).toBe(survivor.id);
    expect(
      (await db.withTenant(a, (tx) => listIdentifiers(tx, survivor.id))).map((i) => i.value).sort(),
    ).toEqual(['M-1', 'M-2']);

    const a47 = adt('A47', [
      pid({ ipp: 'M-9', family: 'FUSION', given: 'Anne', birth: '19600505', sex: 'F' }),
      'MRG|M-1^^^RAYON-TEST&1.2.250.1.999.1&ISO^PI',
    ]);
    expect((await sendText(portA, a47.text, 'a47.hl7')).code).toBe(0);
    expect((await patientOf(a, 'RAYON-TEST', 'M-9'))!.id).toBe(survivor.id);
    expect(await patientOf(a, 'RAYON-TEST', 'M-1')).toBeUndefined();

    const a11 = adt('A11', [
      pid({ ipp: 'M-9', family: 'FUSION', given: 'Anne', birth: '19600505', sex: 'F' }),
    ]);
    expect((await sendText(portA, a11.text, 'a11.hl7')).code).toBe(0);
  });

  it('answers AE/AR with an ERR naming the fault for bad input, keeps the message, and keeps serving', async () => {
    const noPid = adt('A28', []);
    const badDate = adt('A28', [
      pid({ ipp: 'BAD-1', family: 'DATE', given: 'Faux', birth: '19790231', sex: 'F' }),
    ]);
    const unknownTrigger = adt('Z99', [
      pid({ ipp: 'BAD-2', family: 'X', given: 'Y', birth: '19790101', sex: 'F' }),
    ]);
    const acks = await sendRaw(
      portA,
      Buffer.concat([noPid, badDate, unknownTrigger].map((m) => encodeFrame(Buffer.from(m.text)))),
      3,
    );
    expect(acks[0]).toMatch(new RegExp(`MSA\\|AE\\|${noPid.id}`));
    expect(acks[0]).toMatch(/ERR\|\|PID/);
    expect(acks[1]).toMatch(new RegExp(`MSA\\|AE\\|${badDate.id}`));
    expect(acks[1]).toMatch(/ERR\|\|PID\^1\^7/);
    expect(acks[2]).toMatch(new RegExp(`MSA\\|AR\\|${unknownTrigger.id}`));
    expect(await patientOf(a, 'RAYON-TEST', 'BAD-1')).toBeUndefined();
    const failed = await db.withTenant(a, (tx) => listHl7Messages(tx, { status: 'failed' }));
    expect(failed.map((f) => f.controlId)).toEqual(
      expect.arrayContaining([noPid.id, badDate.id, unknownTrigger.id]),
    );
    expect(failed.find((f) => f.controlId === badDate.id)!.errorLocation).toMatch(/^PID-7/);

    // A truncated frame (cut by the next one) and a 5 MB message: the listener keeps serving.
    const ok = adt('A28', [
      pid({ ipp: 'AFTER-1', family: 'APRES', given: 'Tout', birth: '19800101', sex: 'M' }),
    ]);
    const huge = adt('A28', [
      pid({ ipp: 'HUGE-1', family: 'X'.repeat(5 * 1024 * 1024), given: 'Y', birth: '19800101', sex: 'M' }),
    ]);
    const truncated = Buffer.concat([Buffer.from([0x0b]), Buffer.from(ok.text.slice(0, 60))]);
    const [hugeAck, okAck] = await sendRaw(
      portA,
      Buffer.concat([encodeFrame(Buffer.from(huge.text)), truncated, encodeFrame(Buffer.from(ok.text))]),
      2,
    );
    expect(hugeAck).toMatch(new RegExp(`MSA\\|AR\\|${huge.id}`));
    expect(okAck).toContain(`MSA|AA|${ok.id}`);
    expect(await patientOf(a, 'RAYON-TEST', 'AFTER-1')).toBeDefined();
  });

  it('an INS held by another patient is answered AE on PID-3 (probable duplicate), nothing changed', async () => {
    const ins = '295109912611193';
    const person = { family: 'DOUBLE', given: 'Ines', birth: '19951009', sex: 'F' };
    const withoutIns = adt('A28', [pid({ ipp: 'INS-2', ...person })]);
    const holder = adt('A28', [pid({ ipp: 'INS-1', ins, ...person, reliability: 'VALI' })]);
    // INS-2 then gets the INS that INS-1 holds: two records, one person.
    const clash = adt('A31', [pid({ ipp: 'INS-2', ins, ...person, reliability: 'VALI' })]);
    const acks = await sendRaw(
      portA,
      Buffer.concat([withoutIns, holder, clash].map((m) => encodeFrame(Buffer.from(m.text)))),
      3,
    );
    expect(acks[1]).toContain(`MSA|AA|${holder.id}`);
    expect(acks[2]).toMatch(new RegExp(`MSA\\|AE\\|${clash.id}`));
    expect(acks[2]).toMatch(/ERR\|\|PID\^1\^3/);
    expect(identityOf((await patientOf(a, 'RAYON-TEST', 'INS-2'))!).ins).toBeNull();
  });

  it('routes the shared port by MSH-5 / MSH-6, and refuses an unknown receiver', async () => {
    const toB = adt(
      'A28',
      [pid({ ipp: 'ROUTE-B', family: 'ROUTAGE', given: 'Bea', birth: '19750101', sex: 'F' })],
      {
        msh5: 'RIS-B',
        msh6: `FAC-${b.slug}`,
      },
    );
    expect((await sendText(sharedPort, toB.text, 'route-b.hl7')).code).toBe(0);
    expect(await patientOf(b, 'RAYON-TEST', 'ROUTE-B')).toBeDefined();
    expect(await patientOf(a, 'RAYON-TEST', 'ROUTE-B')).toBeUndefined();
    const nowhere = adt(
      'A28',
      [pid({ ipp: 'ROUTE-X', family: 'PERDU', given: 'Paul', birth: '19750101', sex: 'M' })],
      { msh6: 'NOBODY' },
    );
    const [ack] = await sendRaw(sharedPort, encodeFrame(Buffer.from(nowhere.text)), 1);
    expect(ack).toMatch(new RegExp(`MSA\\|AR\\|${nowhere.id}`));
  });

  it('a message stored but not answered before a crash is processed when the sender resends it', async () => {
    const m = adt('A28', [
      pid({ ipp: 'CRASH-1', family: 'PANNE', given: 'Remi', birth: '19880808', sex: 'M' }),
    ]);
    await db.withTenant(a, (tx) =>
      storeReceivedMessage(tx, {
        sendingApplication: 'GAM',
        sendingFacility: 'CHU-TEST',
        controlId: m.id,
        messageType: 'ADT^A28',
        charset: 'UNICODE UTF-8',
        raw: Buffer.from(m.text),
      }),
    );
    expect((await sendText(portA, m.text, 'crash.hl7')).code).toBe(0);
    expect(await patientOf(a, 'RAYON-TEST', 'CRASH-1')).toBeDefined();
  });

  it('a failed message can be replayed after the cause is fixed', async () => {
    const a47 = adt('A47', [
      pid({ ipp: 'NEW-7', family: 'REJEU', given: 'Rose', birth: '19920202', sex: 'F' }),
      'MRG|OLD-7^^^RAYON-TEST&1.2.250.1.999.1&ISO^PI',
    ]);
    const [ack] = await sendRaw(portA, encodeFrame(Buffer.from(a47.text)), 1);
    expect(ack).toContain(`MSA|AE|${a47.id}`);
    const [failed] = (await db.withTenant(a, (tx) => listHl7Messages(tx, { status: 'failed' }))).filter(
      (f) => f.controlId === a47.id,
    );
    // The fix: the patient with the prior identifier arrives.
    expect(
      (
        await sendText(
          portA,
          adt('A28', [pid({ ipp: 'OLD-7', family: 'REJEU', given: 'Rose', birth: '19920202', sex: 'F' })])
            .text,
          'old7.hl7',
        )
      ).code,
    ).toBe(0);
    const replayed = await inbound().replay(a, failed!.id);
    expect(replayed.status).toBe('processed');
    expect(await patientOf(a, 'RAYON-TEST', 'NEW-7')).toBeDefined();
  });
});

describe('identity feed semantics: a field left out is kept, "" erases as the RNIV allows', () => {
  const person = { family: 'GARDE', given: 'Lucie', birth: '19810412', sex: 'F', cog: '63220' };
  const identityAt = async (ipp: string) => identityOf((await patientOf(a, 'RAYON-TEST', ipp))!);
  async function feed(trigger: string, segments: string[], name: string) {
    const { code, out } = await sendText(portA, adt(trigger, segments).text, `${name}.hl7`);
    expect(code, out).toBe(0);
  }
  /** The PID of an update that leaves out the INS, the birth place, the sex and PID-32. */
  const bare = (ipp: string) => pid({ ipp, ...person, cog: undefined, sex: '', reliability: '' });

  it('A08 and A31 leaving out the INS, birth place and PID-32 keep a qualified identity as it is', async () => {
    await feed(
      'A28',
      [pid({ ipp: 'KEEP-1', ins: '162018885045327', ...person, reliability: 'QUAL' })],
      'keep1',
    );
    const before = await identityAt('KEEP-1');
    expect(before).toMatchObject({ status: 'qualifiee', traits: { birthPlaceCode: '63220', sex: 'F' } });
    for (const trigger of ['A08', 'A31']) {
      await feed(trigger, [bare('KEEP-1')], `keep1-${trigger}`);
      expect(await identityAt('KEEP-1'), trigger).toEqual(before);
    }
    // A lower PID-32 code alone does not lower it either.
    await feed('A31', [pid({ ipp: 'KEEP-1', ...person, reliability: 'PROV' })], 'keep1-prov');
    expect(await identityAt('KEEP-1')).toEqual(before);
  });

  it('A08 leaving them out keeps a validated identity validated, with its birth place', async () => {
    await feed('A28', [pid({ ipp: 'KEEP-2', ...person, reliability: 'VALI' })], 'keep2');
    await feed('A08', [bare('KEEP-2')], 'keep2-a08');
    expect(await identityAt('KEEP-2')).toMatchObject({
      status: 'validee',
      traits: { birthPlaceCode: '63220' },
    });
  });

  it('"" erases the birth place of a provisional identity, not of a qualified one', async () => {
    await feed('A28', [pid({ ipp: 'NULL-1', ...person, reliability: 'PROV' })], 'null1');
    await feed('A31', [pid({ ipp: 'NULL-1', ...person, cog: '""', reliability: '' })], 'null1-a31');
    expect((await identityAt('NULL-1')).traits.birthPlaceCode).toBeNull();

    await feed(
      'A28',
      [pid({ ipp: 'NULL-2', ins: '274075176079430', ...person, reliability: 'QUAL' })],
      'null2',
    );
    const a08 = adt('A08', [pid({ ipp: 'NULL-2', ...person, cog: '""', reliability: '' })]);
    const [ack] = await sendRaw(portA, encodeFrame(Buffer.from(a08.text)), 1);
    // Accepted, and the sender is told what was not applied (ERR severity W on PID-11).
    expect(ack).toContain(`MSA|AA|${a08.id}`);
    expect(ack).toMatch(/ERR\|\|PID\^1\^11\|0\^Message accepted\^HL70357\|W\|/);
    expect(await identityAt('NULL-2')).toMatchObject({
      status: 'qualifiee',
      traits: { birthPlaceCode: '63220' },
      ins: { matricule: '274075176079430' },
    });
  });

  it('"" erases the INS: the qualified identity becomes validee (stated in its history)', async () => {
    await feed(
      'A28',
      [pid({ ipp: 'NULL-3', ins: '277076322082910', ...person, reliability: 'QUAL' })],
      'null3',
    );
    await feed('A31', [pid({ ipp: 'NULL-3', ins: '""', ...person, reliability: '' })], 'null3-a31');
    const row = (await patientOf(a, 'RAYON-TEST', 'NULL-3'))!;
    expect(identityOf(row)).toMatchObject({
      status: 'validee',
      ins: null,
      traits: { birthPlaceCode: '63220' },
    });
    const [last] = await db.withTenant(a, (tx) => listIdentityEvents(tx, row.id));
    expect(last!.changes.map((c) => c.field)).toEqual(
      expect.arrayContaining(['status', 'ins.matricule', 'ins.oid']),
    );
  });

  it('A40 keeps the surviving identity’s INS and traits when its PID leaves them out', async () => {
    await feed(
      'A28',
      [pid({ ipp: 'SURV-1', ins: '185052B12345660', ...person, reliability: 'QUAL' })],
      'surv1',
    );
    await feed('A28', [pid({ ipp: 'GONE-1', ...person, cog: '75056', reliability: 'PROV' })], 'gone1');
    const before = await identityAt('SURV-1');
    await feed('A40', [bare('SURV-1'), 'MRG|GONE-1^^^RAYON-TEST&1.2.250.1.999.1&ISO^PI'], 'surv1-a40');
    const survivor = (await patientOf(a, 'RAYON-TEST', 'SURV-1'))!;
    expect((await patientOf(a, 'RAYON-TEST', 'GONE-1'))!.id).toBe(survivor.id);
    expect(identityOf(survivor)).toEqual(before);
    expect(before).toMatchObject({ status: 'qualifiee', ins: { matricule: '185052B12345660' } });
  });

  it('A40 whose PID states the INS the absorbed record held takes it (merge first)', async () => {
    await feed('A28', [pid({ ipp: 'SURV-2', ...person, reliability: 'VALI' })], 'surv2');
    await feed(
      'A28',
      [pid({ ipp: 'GONE-2', ins: '185057505612388', ...person, reliability: 'QUAL' })],
      'gone2',
    );
    await feed(
      'A40',
      [
        pid({ ipp: 'SURV-2', ins: '185057505612388', ...person, reliability: 'QUAL' }),
        'MRG|GONE-2^^^RAYON-TEST&1.2.250.1.999.1&ISO^PI',
      ],
      'surv2-a40',
    );
    expect(await identityAt('SURV-2')).toMatchObject({
      status: 'qualifiee',
      ins: { matricule: '185057505612388' },
    });
  });

  it('takes a Corsican INS (2A at positions 6-7) in PID-3', async () => {
    await feed(
      'A28',
      [pid({ ipp: 'CORSE-1', ins: '186022A21532523', ...person, reliability: 'QUAL' })],
      'corse1',
    );
    expect((await identityAt('CORSE-1')).ins).toEqual({
      matricule: '186022A21532523',
      oid: '1.2.250.1.213.1.4.10',
    });
  });
});
