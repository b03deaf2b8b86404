import { readFileSync } from 'node:fs';
import { createInsiClient } from '@rayon/connectors/insi';
import { findPatient, identityOf, type Database, type PatientRow, type UseCaseContext } from '@rayon/db';
import { changeIdentity, type IdentityContext } from './patient-identity.ts';
import {
  AppError,
  applyInsiResult,
  assertInsiAllowed,
  type InsiAnswer,
  type InsiResult,
} from '@rayon/domain';
import { usableCertificate } from '@rayon/onboarding';

/** Where INSi is and how Rayon presents itself to it (LPS context). */
export interface InsiSettings {
  endpoint: string;
  trustedCaPem: string[];
  lps: { idam: string; version: string; name: string; instance: string };
}

/** The INSi settings of a process, from its configuration (undefined when no INSi URL is set). */
export function insiSettings(c: {
  url: string | undefined;
  caFile: string | undefined;
  idam: string;
  instance: string;
}): InsiSettings | undefined {
  if (!c.url) return undefined;
  return {
    endpoint: c.url,
    trustedCaPem: c.caFile ? [readFileSync(c.caFile, 'utf8')] : [],
    lps: { idam: c.idam, version: '0.1.0', name: 'rayon', instance: c.instance },
  };
}

export interface InsiCallOptions {
  insi: InsiSettings | undefined;
  secretsKey: Buffer;
  /** `manu`: a person asked (INSI-MANU certificate); `auto`: an unattended call (INSI-AUTO). */
  mode: 'manu' | 'auto';
  /** The identity version the call is based on; by default the one read before the call. */
  expectedVersion?: number;
}

export interface InsiCallResult {
  code: '00' | '01' | '02';
  label: string;
  result: InsiResult;
  row: PatientRow;
}

/**
 * rechercherInsAvecTraitsIdentite for one patient with the practice's certificate, then the
 * domain's rule on its answer. The network call is made outside any transaction; the answer is
 * applied to the identity as it was when the call started (changed meanwhile: CONFLICT).
 */
export async function callInsiForPatient(
  db: Database,
  uc: UseCaseContext,
  patientId: string,
  o: InsiCallOptions,
): Promise<InsiCallResult> {
  const { insi } = o;
  if (!insi) {
    throw new AppError('UNAVAILABLE', 'INSi is not configured on this server', {
      reason: 'identity.insi.not_configured',
    });
  }
  const { row, certificate } = await db.withTenant(uc.tenant, async (tx) => {
    const found = await findPatient(tx, patientId);
    if (!found)
      throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
    if (found.mergedInto) {
      throw new AppError('CONFLICT', `this patient was merged into patient ${found.mergedInto}`, {
        reason: 'identity.patient.merged',
      });
    }
    assertInsiAllowed(identityOf(found));
    return {
      row: found,
      certificate: await usableCertificate(tx, o.mode === 'manu' ? 'insi-manu' : 'insi-auto', o.secretsKey),
    };
  });
  const { traits } = identityOf(row);
  if (traits.sex !== 'M' && traits.sex !== 'F') {
    throw new AppError('CONFLICT', 'INSi needs the sex M or F: correct the strict traits first', {
      field: 'traits.sex',
      reason: 'identity.insi.sex_required',
    });
  }
  const forenames = traits.birthForenames.split(' ').filter(Boolean);
  const client = createInsiClient({
    endpoint: insi.endpoint,
    certificate,
    trustedCaPem: insi.trustedCaPem,
    lps: insi.lps,
    emitter: uc.actor.id ?? uc.tenant.slug,
  });
  const answer = await client.searchByTraits({
    birthFamilyName: traits.birthFamilyName,
    forenames: forenames.length ? forenames : [traits.firstBirthForename],
    sex: traits.sex,
    birthDate: traits.birthDate,
    ...(traits.birthPlaceCode ? { birthPlaceCode: traits.birthPlaceCode } : {}),
  });
  const domainAnswer: InsiAnswer =
    answer.code === '00' && answer.result
      ? {
          code: '00',
          ins: { matricule: answer.result.ins.matricule, oid: answer.result.ins.oid },
          traits: answer.result.traits,
        }
      : { code: answer.code === '02' ? '02' : '01' };
  return db.withTenant(uc.tenant, async (tx) => {
    const ctx: IdentityContext = {
      actor: uc.actor,
      source: 'insi',
      requestId: uc.requestId,
      now: uc.now(),
      note: `INSi ${answer.code} ${answer.label} (${o.mode === 'manu' ? 'INSI-MANU' : 'INSI-AUTO'})`,
    };
    const { row: after, result } = await changeIdentity(
      tx,
      patientId,
      o.expectedVersion ?? row.version,
      'insi-answer',
      (current) => applyInsiResult(current, domainAnswer, ctx.now),
      ctx,
    );
    return { code: answer.code, label: answer.label, result, row: after };
  });
}
