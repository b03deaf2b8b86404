import {
  enqueueOutbox,
  findActiveCertificate,
  findPatient,
  identityOf,
  listIdentifiers,
  listIdentityEvents,
  searchPatients,
  userDisplayNames,
  type Database,
  type PatientRow,
  type TenantTx,
  type UseCaseContext,
} from '@rayon/db';
import {
  AppError,
  changeComplementaryTraits,
  changeStrictTraits,
  insForExchange,
  isAppError,
  normalizeMatricule,
  recordIdentityDocument,
  reliabilityCodes,
  searchKey,
  setAttributes,
  type ComplementaryTraits,
  type IdentityAttributes,
  type IdentityDocumentType,
  type IdentityEventAction,
  type LocalIdentifier,
  type StrictTraitsInput,
} from '@rayon/domain';
import { callInsiForPatient, type InsiSettings } from './insi.ts';
import { mergePatients } from './merge.ts';
import { changeIdentity, createPatient, type IdentityContext } from './patient-identity.ts';

export interface PatientsDeps {
  db: Database;
  /** Unset: INSi is not configured on this deployment. */
  insi?: InsiSettings | undefined;
  /** Key sealing private keys at rest (32 bytes). */
  secretsKey: Buffer;
}

export interface PatientSearchInput {
  /** Family name (birth or used), optionally followed by a forename; accents optional. */
  name?: string | undefined;
  birthDate?: string | undefined;
  ins?: string | undefined;
  ipp?: string | undefined;
}

/** A patient as the portal shows it to the practice's staff. */
async function patientView(tx: TenantTx, row: PatientRow) {
  const identity = identityOf(row);
  const identifiers = await listIdentifiers(tx, row.id);
  return {
    id: row.id,
    version: row.version,
    ...identity,
    reliabilityCodes: reliabilityCodes(identity),
    /** The INS that documents and messages may carry (qualified identities only). */
    insForExchange: insForExchange(identity),
    identifiers: identifiers.map((i) => ({ authority: i.authority, value: i.value })),
    mergedInto: row.mergedInto,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type PatientView = Awaited<ReturnType<typeof patientView>>;

/**
 * A patient as the public API gives it to other systems: a message like any other, so the INS
 * is present only for a qualified identity.
 */
export function publicPatient(p: PatientView) {
  const { ins: _ins, insForExchange: ins, ...rest } = p;
  return { ...rest, ins };
}

/** The identity context of a change made by a person at the desk, or by a system through the API. */
function identityContext(ctx: UseCaseContext): IdentityContext {
  return {
    actor: ctx.actor,
    source: ctx.actor.type === 'api_key' ? 'api' : 'desk',
    requestId: ctx.requestId,
    now: ctx.now(),
  };
}

/** The patients of a practice: search, read, create, change (RNIV rules), INSi, merge. */
export function createPatients({ db, insi, secretsKey }: PatientsDeps) {
  async function change(
    ctx: UseCaseContext,
    id: string,
    version: number | undefined,
    action: IdentityEventAction,
    rule: Parameters<typeof changeIdentity>[4],
  ) {
    return db.withTenant(ctx.tenant, async (tx) => {
      const { row } = await changeIdentity(tx, id, version, action, rule, identityContext(ctx));
      return patientView(tx, row);
    });
  }

  return {
    async search(ctx: UseCaseContext, q: PatientSearchInput) {
      const nameKey = searchKey(q.name ?? '');
      if (!nameKey && !q.birthDate && !q.ins && !q.ipp) {
        throw new AppError('BAD_INPUT', 'give a name, a birth date, an INS or an IPP', { field: 'name' });
      }
      return db.withTenant(ctx.tenant, async (tx) => {
        const rows = await searchPatients(tx, {
          ...(nameKey ? { nameKey } : {}),
          ...(q.birthDate ? { birthDate: q.birthDate } : {}),
          ...(q.ins ? { insMatricule: normalizeMatricule(q.ins) } : {}),
          ...(q.ipp ? { identifier: { value: q.ipp } } : {}),
        });
        return Promise.all(rows.map((r) => patientView(tx, r)));
      });
    },

    async get(ctx: UseCaseContext, id: string) {
      return db.withTenant(ctx.tenant, async (tx) => {
        const row = await findPatient(tx, id);
        if (!row)
          throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
        return patientView(tx, row);
      });
    },

    async history(ctx: UseCaseContext, id: string) {
      return db.withTenant(ctx.tenant, async (tx) => {
        if (!(await findPatient(tx, id)))
          throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
        const events = await listIdentityEvents(tx, id);
        const UUID = /^[0-9a-f-]{36}$/;
        const names = await userDisplayNames(
          tx,
          events.flatMap((e) =>
            e.actorType === 'user' && e.actorId && UUID.test(e.actorId) ? [e.actorId] : [],
          ),
        );
        return events.map((e) => ({
          id: e.id,
          at: e.at.toISOString(),
          actorType: e.actorType,
          actorId: e.actorId,
          /** The practice user's display name, when the author is one. */
          actorName: (e.actorId && names.get(e.actorId)) || null,
          source: e.source,
          action: e.action,
          changes: e.changes,
          hl7MessageId: e.hl7MessageId,
          note: e.note,
        }));
      });
    },

    async create(
      ctx: UseCaseContext,
      input: {
        traits: StrictTraitsInput;
        complementary?: ComplementaryTraits | undefined;
        identifiers?: LocalIdentifier[] | undefined;
      },
    ) {
      return db.withTenant(ctx.tenant, async (tx) => {
        const row = await createPatient(
          tx,
          {
            traits: input.traits,
            ...(input.complementary ? { complementary: input.complementary } : {}),
            identifiers: input.identifiers ?? [],
          },
          identityContext(ctx),
        );
        // With an INSI-AUTO certificate, INSi is called unattended right after creation (worker).
        if (row.insMatricule === null && (await findActiveCertificate(tx, 'insi-auto'))) {
          await enqueueOutbox(tx, {
            topic: 'identity.insi-auto',
            payload: { patientId: row.id, version: row.version },
            requestId: ctx.requestId,
          });
        }
        return patientView(tx, row);
      });
    },

    changeTraits(
      ctx: UseCaseContext,
      id: string,
      version: number,
      traits: StrictTraitsInput,
      documentChecked?: IdentityDocumentType,
    ) {
      return change(ctx, id, version, 'traits-changed', (identity) =>
        changeStrictTraits(identity, traits, ctx.now(), documentChecked ? { documentChecked } : {}),
      );
    },

    changeComplementary(
      ctx: UseCaseContext,
      id: string,
      version: number,
      complementary: ComplementaryTraits,
    ) {
      return change(ctx, id, version, 'complementary-changed', (identity) =>
        changeComplementaryTraits(identity, complementary),
      );
    },

    recordDocument(
      ctx: UseCaseContext,
      id: string,
      version: number,
      type: IdentityDocumentType,
      guardianDocumentChecked?: boolean,
    ) {
      return change(ctx, id, version, 'document-checked', (identity) =>
        recordIdentityDocument(
          identity,
          type,
          ctx.now(),
          guardianDocumentChecked ? { guardianDocumentChecked } : {},
        ),
      );
    },

    setAttributes(ctx: UseCaseContext, id: string, version: number, attributes: Partial<IdentityAttributes>) {
      return change(ctx, id, version, 'attributes-changed', (identity) =>
        setAttributes(identity, attributes),
      );
    },

    /** Calls INSi for a patient, as a person: with the practice's INSI-MANU certificate. */
    async callInsi(ctx: UseCaseContext, id: string) {
      const { code, result, row } = await callInsiForPatient(db, ctx, id, { insi, secretsKey, mode: 'manu' });
      return db.withTenant(ctx.tenant, async (tx) => ({
        code,
        outcome: result.outcome,
        reason: result.reason,
        note: result.note,
        changes: result.changes,
        patient: await patientView(tx, row),
      }));
    },

    /**
     * The unattended INSi call (INSI-AUTO certificate) made after an identity is created: only the
     * answer to the identity as it was created (`version`) is applied. Refused for a reason a retry
     * cannot fix: skipped, with its code; INSi unreachable: thrown, to be retried.
     */
    async callInsiAuto(ctx: UseCaseContext, id: string, version: number) {
      try {
        const { code, result } = await callInsiForPatient(db, ctx, id, {
          insi,
          secretsKey,
          mode: 'auto',
          expectedVersion: version,
        });
        return { code, outcome: result.outcome };
      } catch (e) {
        if (isAppError(e) && e.code !== 'UNAVAILABLE' && e.code !== 'INTERNAL') {
          return { skipped: e.code };
        }
        throw e;
      }
    },

    async merge(ctx: UseCaseContext, survivorId: string, absorbedId: string) {
      return db.withTenant(ctx.tenant, async (tx) => {
        await mergePatients(tx, survivorId, absorbedId, { ...identityContext(ctx), source: 'merge' });
        return patientView(tx, (await findPatient(tx, survivorId))!);
      });
    },
  };
}
