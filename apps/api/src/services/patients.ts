import {
  changeIdentity,
  createPatient,
  enqueueOutbox,
  findActiveCertificate,
  findPatient,
  identityOf,
  listIdentifiers,
  listIdentityEvents,
  mergePatients,
  searchPatients,
  userDisplayNames,
  type IdentityContext,
  type PatientRow,
  type TenantTx,
} from '@rayon/db';
import { callInsiForPatient } from '@rayon/identity';
import {
  AppError,
  changeComplementaryTraits,
  changeStrictTraits,
  insForExchange,
  normalizeMatricule,
  recordIdentityDocument,
  reliabilityCodes,
  searchKey,
  setAttributes,
  type ComplementaryTraits,
  type IdentityAttributes,
  type IdentityDocumentType,
  type LocalIdentifier,
  type StrictTraitsInput,
} from '@rayon/domain';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

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

export function createPatientService({ db, insi, secretsKey }: Deps) {
  const context = (source: 'desk' | 'api'): IdentityContext => ({
    actor: currentActor(),
    source,
    requestId: currentContext().requestId,
    now: new Date(),
  });
  const sourceOf = () => (currentContext().apiKeyId ? 'api' : 'desk');

  async function change(
    id: string,
    version: number | undefined,
    action: string,
    rule: Parameters<typeof changeIdentity>[4],
  ) {
    return db.withTenant(requireTenant(), async (tx) => {
      const { row } = await changeIdentity(tx, id, version, action, rule, context(sourceOf()));
      return patientView(tx, row);
    });
  }

  return {
    async search(q: PatientSearchInput) {
      const nameKey = searchKey(q.name ?? '');
      if (!nameKey && !q.birthDate && !q.ins && !q.ipp) {
        throw new AppError('BAD_INPUT', 'give a name, a birth date, an INS or an IPP', { field: 'name' });
      }
      return db.withTenant(requireTenant(), async (tx) => {
        const rows = await searchPatients(tx, {
          ...(nameKey ? { nameKey } : {}),
          ...(q.birthDate ? { birthDate: q.birthDate } : {}),
          ...(q.ins ? { insMatricule: normalizeMatricule(q.ins) } : {}),
          ...(q.ipp ? { identifier: { value: q.ipp } } : {}),
        });
        return Promise.all(rows.map((r) => patientView(tx, r)));
      });
    },

    async get(id: string) {
      return db.withTenant(requireTenant(), async (tx) => {
        const row = await findPatient(tx, id);
        if (!row)
          throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
        return patientView(tx, row);
      });
    },

    async history(id: string) {
      return db.withTenant(requireTenant(), async (tx) => {
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

    async create(input: {
      traits: StrictTraitsInput;
      complementary?: ComplementaryTraits | undefined;
      identifiers?: LocalIdentifier[] | undefined;
    }) {
      return db.withTenant(requireTenant(), async (tx) => {
        const row = await createPatient(
          tx,
          {
            traits: input.traits,
            ...(input.complementary ? { complementary: input.complementary } : {}),
            identifiers: input.identifiers ?? [],
          },
          context(sourceOf()),
        );
        // With an INSI-AUTO certificate, INSi is called unattended right after creation (worker).
        if (row.insMatricule === null && (await findActiveCertificate(tx, 'insi-auto'))) {
          await enqueueOutbox(tx, {
            topic: 'identity.insi-auto',
            payload: { patientId: row.id, version: row.version },
            requestId: currentContext().requestId,
          });
        }
        return patientView(tx, row);
      });
    },

    changeTraits(
      id: string,
      version: number,
      traits: StrictTraitsInput,
      documentChecked?: IdentityDocumentType,
    ) {
      return change(id, version, 'traits-changed', (identity) =>
        changeStrictTraits(identity, traits, new Date(), documentChecked ? { documentChecked } : {}),
      );
    },

    changeComplementary(id: string, version: number, complementary: ComplementaryTraits) {
      return change(id, version, 'complementary-changed', (identity) =>
        changeComplementaryTraits(identity, complementary),
      );
    },

    recordDocument(
      id: string,
      version: number,
      type: IdentityDocumentType,
      guardianDocumentChecked?: boolean,
    ) {
      return change(id, version, 'document-checked', (identity) =>
        recordIdentityDocument(
          identity,
          type,
          new Date(),
          guardianDocumentChecked ? { guardianDocumentChecked } : {},
        ),
      );
    },

    setAttributes(id: string, version: number, attributes: Partial<IdentityAttributes>) {
      return change(id, version, 'attributes-changed', (identity) => setAttributes(identity, attributes));
    },

    /** Calls INSi for a patient, as a person: with the practice's INSI-MANU certificate. */
    async callInsi(id: string) {
      const tenant = requireTenant();
      const { code, result, row } = await callInsiForPatient(db, tenant, id, {
        insi,
        secretsKey,
        mode: 'manu',
        actor: currentActor(),
        requestId: currentContext().requestId,
      });
      return db.withTenant(tenant, async (tx) => ({
        code,
        outcome: result.outcome,
        reason: result.reason,
        note: result.note,
        changes: result.changes,
        patient: await patientView(tx, row),
      }));
    },

    async merge(survivorId: string, absorbedId: string) {
      return db.withTenant(requireTenant(), async (tx) => {
        await mergePatients(tx, survivorId, absorbedId, { ...context(sourceOf()), source: 'merge' });
        return patientView(tx, (await findPatient(tx, survivorId))!);
      });
    },
  };
}
