/**
 * Seeds the demo practice (demo.ts) into a database: the platform administrator, the practice and
 * its staff, modalities, today's appointments, orders to schedule and a validated report. Used by
 * `./rayon up` and the end-to-end stack (infra/scripts/stack.ts). Idempotent.
 */
import { parsePkcs12 } from '@rayon/connectors/certificates';
import {
  linkPscSubject,
  putSetting,
  enableTotp,
  findUserByEmail,
  setPendingTotpSecret,
  findPatientByIdentifier,
  insertAppointment,
  insertExamType,
  insertModality,
  insertOrderWithExams,
  insertReferrer,
  insertReportTemplate,
  insertRoom,
  listScheduleEntries,
  listExamTypes,
  listModalities,
  listOrdersToSchedule,
  listReferrers,
  listReportTemplates,
  listSites,
  setExamStatus,
  setModalityCallers,
  type TenantTx,
  findTenantBySlug,
  insertHl7Route,
  insertTenant,
  listTenantHl7Routes,
  updateHl7Route,
  provisionTenant,
  recordAudit,
  toTenantRef,
  upsertMembership,
  upsertUser,
  upsertUserProfile,
  type Database,
} from '@rayon/db';
import {
  DISTRIBUTION_SETTING,
  newIdentity,
  diffIdentity,
  parisDate,
  tenantSchemaName,
  zonedDateTimeToInstant,
  type IdentityChange,
  type PatientIdentity,
  type DistributionSettings,
} from '@rayon/domain';
import { installCertificate } from '@rayon/onboarding';
import { createPatient, insertIdentity } from '@rayon/identity';
import {
  DEMO,
  DEMO_AE_TITLES,
  DEMO_CALLERS,
  DEMO_HL7_SOURCES,
  DEMO_REFERRER_MSSANTE,
  DEMO_REPORT_INS,
  DEMO_TOTP_SECRET,
  type DemoSeed,
} from './demo.ts';

export * from './demo.ts';

/**
 * How the API stores credentials. The seed writes accounts that the API must accept, so it is
 * given the API's own functions (infra/scripts/stack.ts passes them) instead of a copy.
 */
export interface SeedCredentials {
  hashPassword(password: string): Promise<string>;
  sealTotpSecret(secretBase32: string, key: Buffer, userId: string): string;
}

export interface DemoExtras {
  /** A dedicated HL7 port for the demo practice (any sender's ADT goes to it). */
  hl7Port?: number;
  /** Organisation certificates to install (PKCS#12), e.g. from the INSi simulator's test PKI. */
  certificates?: {
    purpose: 'insi-auto' | 'insi-manu' | 'dmp' | 'mssante';
    p12: Buffer;
    passphrase: string;
  }[];
  /** The practice's distribution settings (the quick start points them at its simulators). */
  distribution?: DistributionSettings;
  secretsKey?: Buffer;
}

/**
 * Seeds the platform admin and a ready demo practice with its administrator. Idempotent. Returns
 * the Paris day whose appointments were seeded (tests crossing midnight look at that day).
 */
export async function seedDemo(
  db: Database,
  { hashPassword, sealTotpSecret }: SeedCredentials,
  seed: DemoSeed = DEMO,
  extras: DemoExtras = {},
): Promise<{ scheduleDay: string }> {
  const now = new Date();
  const system = { type: 'system' as const, id: 'seed' };
  await db.platform(async (tx) => {
    await upsertUser(tx, {
      ...seed.platformAdmin,
      passwordHash: await hashPassword(seed.platformAdmin.password),
      isPlatformAdmin: true,
    });
    if (!(await findTenantBySlug(tx, seed.tenant.slug))) {
      const t = await insertTenant(tx, {
        ...seed.tenant,
        schemaName: tenantSchemaName(seed.tenant.slug),
        provisioning: {
          step: 'queued',
          percent: 0,
          firstSite: { name: 'Site principal', finess: '750712184', city: 'Paris' },
        },
      });
      await recordAudit(tx, { actor: system, action: 'tenant.onboarded', tenantId: t!.id, target: t!.slug });
    }
  });
  const tenant = (await db.platform((tx) => findTenantBySlug(tx, seed.tenant.slug)))!;
  await provisionTenant(db, tenant.id, { actor: system });
  if (extras.secretsKey)
    await enrolDemoTotp(db, [seed.platformAdmin.email], extras.secretsKey, sealTotpSecret);
  const passwordHash = await hashPassword(seed.practiceAdmin.password);
  await db.withTenant(toTenantRef(tenant), async (tx) => {
    const user = await upsertUser(tx, { ...seed.practiceAdmin, passwordHash });
    await upsertMembership(tx, user.id, tenant.id, ['practice_admin', 'radiologist']);
    await upsertUserProfile(tx, { userId: user.id, displayName: seed.practiceAdmin.displayName });
    for (const [account, roles] of [
      [seed.secretary, ['secretary']],
      [seed.technologist, ['technologist']],
    ] as const) {
      if (!account) continue;
      const staff = await upsertUser(tx, { ...account, passwordHash: await hashPassword(account.password) });
      await upsertMembership(tx, staff.id, tenant.id, [...roles]);
      await upsertUserProfile(tx, { userId: staff.id, displayName: account.displayName });
    }
    if (seed.radiologist) {
      const r = seed.radiologist;
      const radiologist = await upsertUser(tx, {
        email: r.email,
        displayName: r.displayName,
        passwordHash: await hashPassword(r.password),
      });
      await upsertMembership(tx, radiologist.id, tenant.id, ['radiologist']);
      // Linked to Pro Santé Connect (8 + RPPS, the PSC simulator's Dr MOREAU): the demo
      // radiologist may sign in with the e-CPS alone.
      await linkPscSubject(tx, radiologist.id, `8${r.rpps}`);
      await upsertUserProfile(tx, {
        userId: radiologist.id,
        displayName: r.displayName,
        rpps: r.rpps,
        title: r.title,
        civility: r.civility,
        familyName: r.familyName,
        givenName: r.givenName,
        signsReports: true,
      });
    }
    // The demo practice's dedicated port, given by the platform (the seed acts as its
    // administrator), with this machine registered as its sender so README's hl7-send works.
    const routes = await listTenantHl7Routes(tx, tenant.id);
    const demoRoute = routes.find((r) => r.port === extras.hl7Port);
    if (extras.hl7Port && !demoRoute) {
      await insertHl7Route(tx, {
        tenantId: tenant.id,
        port: extras.hl7Port,
        receivingApplication: null,
        receivingFacility: null,
        allowedSources: DEMO_HL7_SOURCES,
      });
    } else if (demoRoute && demoRoute.allowedSources.length === 0) {
      await updateHl7Route(tx, tenant.id, demoRoute.id, { allowedSources: DEMO_HL7_SOURCES });
    }
    for (const c of extras.certificates ?? []) {
      if (!extras.secretsKey) throw new Error('a secrets key is needed to install certificates');
      await installCertificate(tx, c.purpose, parsePkcs12(c.p12, c.passphrase), extras.secretsKey, null);
    }
    if (extras.distribution) await putSetting(tx, DISTRIBUTION_SETTING, extras.distribution);
    await seedSchedule(tx, now);
    await seedReporting(tx, now);
  });
  if (extras.secretsKey)
    await enrolDemoTotp(db, [seed.practiceAdmin.email], extras.secretsKey, sealTotpSecret);
  return { scheduleDay: parisDate(now) };
}

/** Enrols DEMO_TOTP_SECRET for these accounts, once (an account enrolled already is left as is). */
async function enrolDemoTotp(
  db: Database,
  emails: string[],
  secretsKey: Buffer,
  sealTotpSecret: SeedCredentials['sealTotpSecret'],
) {
  await db.platform(async (tx) => {
    for (const email of emails) {
      const user = await findUserByEmail(tx, email);
      if (!user || user.totpEnabledAt) continue;
      await setPendingTotpSecret(tx, user.id, sealTotpSecret(DEMO_TOTP_SECRET, secretsKey, user.id));
      await enableTotp(tx, user.id);
    }
  });
}

/** Paris wall-clock time on the day of `now` as an instant. */
const parisToday = (hhmm: string, now: Date) => zonedDateTimeToInstant(parisDate(now), hhmm);

/** Rooms, modalities, exam catalogue, a referrer, and today's appointments (once per day). */
async function seedSchedule(tx: TenantTx, now: Date): Promise<void> {
  const ctx = { actor: { type: 'system' as const, id: 'seed' }, source: 'desk' as const, now };
  let modalities = await listModalities(tx);
  if (modalities.length === 0) {
    const [site] = await listSites(tx);
    // Open every day, so that the demo's appointments of today (seeded daily) are always in opening hours.
    const week = Object.fromEntries(
      ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['07:30', '20:00']]]),
    );
    const ctRoom = await insertRoom(tx, { siteId: site!.id, name: 'Salle 1 — Scanner' });
    const usRoom = await insertRoom(tx, { siteId: site!.id, name: 'Salle 2 — Échographie' });
    await insertModality(tx, {
      roomId: ctRoom.id,
      name: 'Scanner',
      type: 'CT',
      aeTitle: DEMO_AE_TITLES.ct,
      ...DEMO_CALLERS.ct,
      openingHours: week,
    });
    await insertModality(tx, {
      roomId: usRoom.id,
      name: 'Échographe',
      type: 'US',
      aeTitle: DEMO_AE_TITLES.us,
      ...DEMO_CALLERS.us,
      openingHours: week,
    });
    await insertExamType(tx, {
      label: 'Scanner du thorax sans injection',
      ccamCode: 'ZBQK002',
      loincCode: '24627-2',
      loincLabel: 'CT thorax',
      modalityType: 'CT',
      durationMinutes: 15,
      preparation: null,
    });
    await insertExamType(tx, {
      label: 'Échographie abdominale',
      ccamCode: null,
      loincCode: '24558-9',
      loincLabel: 'échographie abdomen',
      modalityType: 'US',
      durationMinutes: 20,
      preparation: 'À jeun depuis 6 heures.',
    });
    await insertReferrer(tx, {
      rpps: '10000023084',
      familyName: 'AGNES',
      givenName: 'Isabelle',
      specialty: 'Médecine générale',
      // The quick start's MSSanté simulator takes any address: the demo report reaches her.
      mssanteAddress: DEMO_REFERRER_MSSANTE,
    });
    modalities = await listModalities(tx);
  }
  // A demo practice seeded before modalities registered their callers gets them once.
  for (const m of modalities) {
    const key = m.aeTitle === DEMO_AE_TITLES.ct ? 'ct' : m.aeTitle === DEMO_AE_TITLES.us ? 'us' : undefined;
    if (key && m.callingAeTitles.length === 0 && m.allowedSources.length === 0) {
      await setModalityCallers(tx, m.id, { ...DEMO_CALLERS[key], clientCertFingerprints: [] });
    }
  }
  await seedDemandes(tx, ctx);
  const today = await listScheduleEntries(tx, {
    from: parisToday('00:00', now),
    to: parisToday('23:59', now),
    activeOnly: true,
  });
  if (today.length > 0) return;
  const types = await listExamTypes(tx);
  const [referrer] = await listReferrers(tx);
  const people = [
    { family: 'LE GOFF', given: 'Gwénaëlle', birth: '1984-02-29', sex: 'F', type: 'CT', at: '09:00' },
    { family: 'MARTIN', given: 'Bénédicte', birth: '1957-11-03', sex: 'F', type: 'US', at: '09:30' },
    { family: 'DUPONT', given: 'Noël', birth: '1990-06-15', sex: 'M', type: 'CT', at: '10:00' },
  ];
  for (const [i, p] of people.entries()) {
    const ipp = `DEMO-${i + 1}`;
    const patient =
      (await findPatientByIdentifier(tx, 'RAYON-DEMO', ipp)) ??
      (await createPatient(
        tx,
        {
          traits: { birthFamilyName: p.family, firstBirthForename: p.given, birthDate: p.birth, sex: p.sex },
          identifiers: [{ authority: 'RAYON-DEMO', value: ipp }],
        },
        ctx,
      ));
    const type = types.find((t) => t.modalityType === p.type)!;
    const modality = modalities.find((m) => m.type === p.type)!;
    const order = await insertOrderWithExams(tx, {
      patientId: patient.id,
      referrerId: referrer?.id ?? null,
      exams: [{ examTypeId: type.id, modalityType: type.modalityType }],
      urgency: 'routine',
      clinicalInfo: null,
      placerOrderNumber: null,
      status: 'scheduled',
      source: 'desk',
    });
    const exam = order.exams[0]!;
    const startsAt = parisToday(p.at, now);
    await insertAppointment(tx, {
      examId: exam.id,
      modalityId: modality.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + type.durationMinutes * 60_000),
    });
  }
}

/**
 * Demandes waiting for the desk (when none is waiting): one made at the desk, urgent, and one
 * received by HL7 that names a modality type and the placer's words, without a catalogue entry.
 */
async function seedDemandes(
  tx: TenantTx,
  ctx: { actor: { type: 'system'; id: string }; source: 'desk'; now: Date },
): Promise<void> {
  if ((await listOrdersToSchedule(tx, { limit: 1 })).length > 0) return;
  const types = await listExamTypes(tx);
  const [referrer] = await listReferrers(tx);
  const ct = types.find((t) => t.modalityType === 'CT');
  const waiting = [
    {
      ipp: 'DEMO-4',
      traits: { birthFamilyName: 'ROUSSEAU', firstBirthForename: 'Élise', birthDate: '1972-09-21', sex: 'F' },
      exam: { examTypeId: ct?.id ?? null, modalityType: 'CT' },
      urgency: 'urgent',
      clinicalInfo: 'Dyspnée aiguë, suspicion d’embolie pulmonaire.',
      source: 'desk',
    },
    {
      ipp: 'DEMO-5',
      traits: { birthFamilyName: 'FONTAINE', firstBirthForename: 'Hervé', birthDate: '1949-04-02', sex: 'M' },
      exam: { examTypeId: null, modalityType: 'US', requestedProcedure: 'Échographie abdomino-pelvienne' },
      urgency: 'routine',
      clinicalInfo: 'Douleurs abdominales.',
      source: 'hl7',
    },
  ] as const;
  for (const w of waiting) {
    const patient =
      (await findPatientByIdentifier(tx, 'RAYON-DEMO', w.ipp)) ??
      (await createPatient(
        tx,
        { traits: w.traits, identifiers: [{ authority: 'RAYON-DEMO', value: w.ipp }] },
        ctx,
      ));
    await insertOrderWithExams(tx, {
      patientId: patient.id,
      referrerId: referrer?.id ?? null,
      exams: [w.exam],
      urgency: w.urgency,
      clinicalInfo: w.clinicalInfo,
      placerOrderNumber: null,
      status: 'requested',
      source: w.source,
    });
  }
}

/** GARNIER Françoise, qualified: INS retrieved (test authority) and passport checked. */
function qualifiedDemoIdentity(now: Date): [PatientIdentity, IdentityChange[]] {
  const { identity } = newIdentity(
    {
      traits: {
        birthFamilyName: 'GARNIER',
        firstBirthForename: 'Françoise',
        birthDate: '1961-12-08',
        sex: 'F',
        birthPlaceCode: '75106',
      },
    },
    now,
  );
  const qualified: PatientIdentity = {
    ...identity,
    status: 'qualifiee',
    ins: DEMO_REPORT_INS,
    insRetrievedAt: now.toISOString(),
    identityDocument: { type: 'passeport', checkedAt: now.toISOString() },
  };
  return [qualified, diffIdentity(null, qualified)];
}

/**
 * For the radiologists: a report template for the chest CT, and an exam of today already done
 * (completed at 08:00) that waits for its report (once per day), for a qualified patient whose
 * referrer has an MSSanté address — validated, it reaches the DMP and both mailboxes.
 */
async function seedReporting(tx: TenantTx, now: Date): Promise<void> {
  const ctx = { actor: { type: 'system' as const, id: 'seed' }, source: 'desk' as const, now };
  const types = await listExamTypes(tx);
  const chest = types.find((t) => t.ccamCode === 'ZBQK002') ?? types.find((t) => t.modalityType === 'CT');
  if ((await listReportTemplates(tx)).length === 0) {
    await insertReportTemplate(tx, {
      examTypeId: chest?.id ?? null,
      name: 'Scanner thoracique normal',
      body: [
        'Indication : ',
        '',
        'Technique : acquisition hélicoïdale du thorax sans injection de produit de contraste.',
        '',
        'Résultats : parenchyme pulmonaire sans nodule ni condensation. Pas d’épanchement pleural ni péricardique. Médiastin de morphologie normale.',
        '',
        'Conclusion : examen tomodensitométrique thoracique sans anomalie décelable.',
      ].join('\n'),
    });
  }
  const modality = (await listModalities(tx)).find((m) => m.type === chest?.modalityType);
  if (!chest || !modality) return;
  // A qualified identity (INS of the test authority, as INSi and a passport check leave it), so
  // that the demo report, once validated, goes to the DMP and to the patient's mailbox too.
  const patient =
    (await findPatientByIdentifier(tx, 'RAYON-DEMO', 'DEMO-6')) ??
    (await insertIdentity(
      tx,
      ...qualifiedDemoIdentity(now),
      [{ authority: 'RAYON-DEMO', value: 'DEMO-6' }],
      ctx,
    ));
  const today = await listScheduleEntries(tx, {
    from: parisToday('00:00', now),
    to: parisToday('23:59', now),
    activeOnly: true,
  });
  if (today.some((a) => a.order.patientId === patient.id)) return;
  const [referrer] = await listReferrers(tx);
  const order = await insertOrderWithExams(tx, {
    patientId: patient.id,
    referrerId: referrer?.id ?? null,
    exams: [{ examTypeId: chest.id, modalityType: chest.modalityType }],
    urgency: 'routine',
    clinicalInfo: 'Toux chronique chez une ancienne fumeuse.',
    placerOrderNumber: null,
    status: 'scheduled',
    source: 'desk',
  });
  const exam = order.exams[0]!;
  const startsAt = parisToday('08:00', now);
  await insertAppointment(tx, {
    examId: exam.id,
    modalityId: modality.id,
    startsAt,
    endsAt: new Date(startsAt.getTime() + chest.durationMinutes * 60_000),
  });
  await setExamStatus(tx, exam.id, 'completed');
}
