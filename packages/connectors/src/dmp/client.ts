import { randomUUID } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import type { OrganisationCertificate } from '../certificates/organisation-certificate.ts';
import { DeliveryError } from '../delivery-error.ts';
import { DMP_NS, DMP_SERVICES, RESPONSE_STATUS, STATUS, XDS_UUID } from './codes.ts';
import {
  buildDeletionMetadata,
  buildXdsMetadata,
  dmpEligibility,
  insCx,
  type DmpDocumentDescription,
  type XdsMetadataOptions,
} from './metadata.ts';
import { mtomMessage, postDmp, soapXmlOf, type DmpHttpResponse } from './transport.ts';
import { buildVihf } from './vihf.ts';
import { esc, nameUuid } from './xml.ts';

export interface DmpConnection {
  /** Base URL of the DMP services (e.g. `https://lps.dev9.dmp.gouv.fr/si-dmp-server/v2/services`); the service path is appended. */
  endpoint: string;
  /** CAs that may issue the DMP server's certificate (PEM); absent = Node's default trust store. */
  ca?: readonly string[] | undefined;
  /** The tenant's organisation certificate: TLS client certificate (and signer of the VIHF). */
  certificate: OrganisationCertificate;
  timeoutMs?: number;
}

export interface RegistryError {
  errorCode: string;
  codeContext: string;
  severity: string;
}

const REASONS: Record<string, string> = {
  XDSUnknownPatientId: "Patient inconnu du DMP : aucun dossier pour cet INS. Vérifier l'identité du patient.",
  XDSRegistryMetadataError: 'Métadonnées du document refusées par le DMP.',
  XDSRepositoryMetadataError: 'Métadonnées du document refusées par le DMP.',
  XDSPatientIdDoesNotMatch: "L'INS du document ne correspond pas à celui de l'envoi.",
  XDSNonIdenticalHash: 'Le DMP détient déjà un document de même identifiant avec un contenu différent.',
  XDSUnknownEntry: 'Document introuvable dans le DMP.',
  XDSMissingDocument: 'Document absent de la requête envoyée au DMP.',
  XDSRegistryError: 'Le DMP a refusé la requête.',
  XDSRepositoryError: 'Le DMP a refusé le document (contenu non conforme).',
  XDSMetadataUpdateError: 'Le DMP a refusé la mise à jour du document.',
  XDSMetadataVersionError:
    "Le DMP a refusé la mise à jour : la fiche du document a changé entre-temps (version), l'envoi sera à relancer.",
  XDSMetadataIdentifierError: "Le DMP a refusé la mise à jour : l'identifiant du document ne correspond pas.",
  UnresolvedReferenceException: 'Document introuvable dans le DMP : la fiche à mettre à jour est inconnue.',
};

function serviceUrl(endpoint: string, path: string): string {
  return `${endpoint.replace(/\/+$/, '')}${path}`;
}

function envelope(input: { action: string; to: string; vihf: string; body: string }): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${DMP_NS.soap}"><soap:Header>` +
    `<wsa:MessageID xmlns:wsa="${DMP_NS.wsa}">urn:uuid:${randomUUID()}</wsa:MessageID>` +
    `<wsa:To xmlns:wsa="${DMP_NS.wsa}">${esc(input.to)}</wsa:To>` +
    `<wsa:Action xmlns:wsa="${DMP_NS.wsa}" soap:mustUnderstand="true">${input.action}</wsa:Action>` +
    `<wsse:Security xmlns:wsse="${DMP_NS.wsse}">${input.vihf}</wsse:Security>` +
    `</soap:Header><soap:Body>${input.body}</soap:Body></soap:Envelope>`
  );
}

/** Parses a DMP answer; throws DeliveryError for HTTP errors, SOAP faults and non-XML. */
function parseAnswer(response: DmpHttpResponse): Element {
  const xml = soapXmlOf(response);
  let doc: ReturnType<DOMParser['parseFromString']> | undefined;
  try {
    doc = new DOMParser({ onError: () => undefined }).parseFromString(xml, 'text/xml');
  } catch {
    doc = undefined;
  }
  const body = doc?.getElementsByTagNameNS(DMP_NS.soap, 'Body')[0];
  const fault = body?.getElementsByTagNameNS(DMP_NS.soap, 'Fault')[0];
  if (fault) {
    const code = fault.getElementsByTagNameNS(DMP_NS.soap, 'Value')[0]?.textContent?.trim() ?? '';
    const subcode = fault.getElementsByTagNameNS(DMP_NS.soap, 'Value')[1]?.textContent?.trim();
    const text = fault.getElementsByTagNameNS(DMP_NS.soap, 'Text')[0]?.textContent?.trim() ?? '';
    const receiver = /Receiver$/.test(code);
    throw new DeliveryError({
      retryable: receiver || response.status >= 500,
      reason: receiver
        ? 'Le DMP a rencontré une erreur interne : nouvel essai prévu.'
        : `Le DMP a refusé la requête${text ? ` : ${text}` : '.'}`,
      remote: [`HTTP ${response.status}`, code, subcode, text].filter(Boolean).join(' | '),
    });
  }
  if (response.status >= 500 || response.status === 429) {
    throw new DeliveryError({
      retryable: true,
      reason: `Le DMP est indisponible (HTTP ${response.status}) : nouvel essai prévu.`,
      remote: `HTTP ${response.status}`,
    });
  }
  const first = body ? Array.from(body.childNodes).find((n) => n.nodeType === 1) : undefined;
  if (response.status >= 400 || !first) {
    throw new DeliveryError({
      retryable: false,
      reason: `Réponse inattendue du DMP (HTTP ${response.status}).`,
      remote: `HTTP ${response.status}`,
    });
  }
  return first as Element;
}

/** RegistryResponse → success, or DeliveryError (not retryable) with the XDS codes in `remote`. */
export function readRegistryResponse(response: Element): { status: 'success'; alreadyPresent: boolean } {
  if (response.localName !== 'RegistryResponse' || response.namespaceURI !== DMP_NS.rs) {
    throw new DeliveryError({
      retryable: false,
      reason: 'Réponse du DMP illisible (pas de RegistryResponse).',
    });
  }
  const status = response.getAttribute('status');
  const errors: RegistryError[] = Array.from(response.getElementsByTagNameNS(DMP_NS.rs, 'RegistryError')).map(
    (e) => ({
      errorCode: e.getAttribute('errorCode') ?? '',
      codeContext: e.getAttribute('codeContext') ?? '',
      severity: e.getAttribute('severity') ?? '',
    }),
  );
  if (status === RESPONSE_STATUS.success) return { status: 'success', alreadyPresent: false };
  const blocking = errors.filter((e) => !/Warning$/.test(e.severity));
  // A retry after a lost answer: the DMP already holds this very document.
  if (blocking.length > 0 && blocking.every((e) => e.errorCode === 'XDSDuplicateUniqueIdInRegistry')) {
    return { status: 'success', alreadyPresent: true };
  }
  const first = blocking[0] ?? errors[0];
  throw new DeliveryError({
    retryable: false,
    reason:
      (first && REASONS[first.errorCode]) ??
      `Le DMP a refusé le document${first?.errorCode ? ` (${first.errorCode})` : ''}.`,
    remote: errors.map((e) => `${e.errorCode}: ${e.codeContext}`).join('; ') || (status ?? 'no status'),
  });
}

/**
 * ITI-41 Provide and Register Document Set-b: SOAP 1.2 + MTOM/XOP over mutual TLS, the signed
 * VIHF in wsse:Security, the CDA as the attachment `cid:0.2` (national-services.md §1.1, §1.3).
 * Resolves when the DMP answers Success (or already holds this exact document); otherwise throws
 * DeliveryError: retryable for 5xx, timeouts and network errors; not retryable for XDS errors.
 */
export async function provideAndRegister(
  input: DmpConnection & {
    /** Signed VIHF assertion (buildVihf().xml). */
    vihf: string;
    /** buildXdsMetadata() result (its `xml` and the entry id the Document element refers to). */
    metadata: { xml: string; entryUuid: string };
    cda: Uint8Array | string;
  },
): Promise<{ status: 'success'; alreadyPresent: boolean }> {
  const { path, action } = DMP_SERVICES.provideAndRegister;
  const to = serviceUrl(input.endpoint, path);
  const body =
    `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="${DMP_NS.xdsb}">${input.metadata.xml}` +
    `<xdsb:Document id="${esc(input.metadata.entryUuid)}"><xop:Include xmlns:xop="${DMP_NS.xop}" href="cid:0.2"/></xdsb:Document>` +
    `</xdsb:ProvideAndRegisterDocumentSetRequest>`;
  const message = mtomMessage({
    envelope: envelope({ action, to, vihf: input.vihf, body }),
    action,
    rootAction: 'DocumentRepository_ProvideAndRegisterDocumentSet-b',
    attachments: [
      {
        contentType: 'application/octet-stream',
        contentId: '0.2',
        body: typeof input.cda === 'string' ? Buffer.from(input.cda, 'utf8') : Buffer.from(input.cda),
      },
    ],
  });
  const response = await postDmp(
    { url: to, certificate: input.certificate, ca: input.ca, timeoutMs: input.timeoutMs },
    message,
  );
  return readRegistryResponse(parseAnswer(response));
}

/**
 * Deletion from the DMP (TD3.3c): ITI-57 Update Document Set to `/registry`, the entry's status
 * Approved → `urn:asip:ci-sis:2010:StatusType:Deleted` (national-services.md §1.5).
 */
export async function withdraw(
  input: DmpConnection & {
    vihf: string;
    entryUuid: string;
    patientIns: { matricule: string; oid: string };
    author: { rpps: string; familyName: string; givenName?: string | undefined };
    organisation: { name: string; idNat: string };
    sourceId: string;
    now?: Date;
    /** The entry's current status URI (default Approved). */
    originalStatus?: string;
  },
): Promise<{ status: 'success' }> {
  return updateDocumentSet({ ...input, metadata: { xml: buildDeletionMetadata(input) } });
}

/**
 * What TD0.2 says of a patient: a DMP (`exists`, with the access authorisation of this
 * professional), none, closed, or the patient's opposition; `reportedIns` when the DMP knows the
 * patient under another INS than the one asked (an identity difference to trace).
 */
export type DmpExistence =
  | {
      exists: true;
      status: 'exists';
      authorization: 'VALIDE' | 'INTERDIT' | 'ABSENTE' | string;
      reportedIns?: { matricule: string; oid: string } | undefined;
    }
  | { exists: false; status: 'none' | 'closed' | 'opposed' };

/**
 * TD0.2 test d'existence: HL7v3 PRPA_IN201307UV02 to `/patients` (national-services.md §1.7).
 * [I] The DMP's answer structure is not public: this reads the HL7v3 query acknowledgement
 * (`queryResponseCode` OK / NF) and the element whose name contains AUTORISATION (its `code`), as
 * the ANS DRIMbox front does.
 */
export async function existence(
  input: DmpConnection & {
    vihf: string;
    patientIns: { matricule: string; oid: string };
    /** Sender device id (an OID of the software instance) and name. */
    sender: { id: string; name: string };
    now?: Date;
  },
): Promise<DmpExistence> {
  const { path, action } = DMP_SERVICES.patients;
  const to = serviceUrl(input.endpoint, path);
  const now = (input.now ?? new Date()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const body =
    `<hl7:PRPA_IN201307UV02 xmlns:hl7="${DMP_NS.hl7}" ITSVersion="XML_1.0">` +
    `<hl7:id root="${randomUUID()}"/><hl7:creationTime value="${now}"/>` +
    `<hl7:interactionId root="2.16.840.1.113883.1.6" extension="PRPA_IN201307UV02"/>` +
    `<hl7:processingCode code="D"/><hl7:processingModeCode code="T"/><hl7:acceptAckCode code="AL"/>` +
    `<hl7:receiver typeCode="RCV"><hl7:device classCode="DEV" determinerCode="INSTANCE"><hl7:id root="1.2.250.1.213.4.1.1.1"/><hl7:softwareName>DMP</hl7:softwareName></hl7:device></hl7:receiver>` +
    `<hl7:sender typeCode="SND"><hl7:device classCode="DEV" determinerCode="INSTANCE"><hl7:id root="${esc(input.sender.id)}"/><hl7:softwareName>${esc(input.sender.name)}</hl7:softwareName></hl7:device></hl7:sender>` +
    `<hl7:controlActProcess classCode="CACT" moodCode="EVN">` +
    `<hl7:reasonCode code="TEST_EXST" codeSystem="1.2.250.1.213.1.1.4.11" displayName="Test d'existence de dossier"/>` +
    `<hl7:queryByParameter><hl7:queryId root="${randomUUID()}"/><hl7:statusCode code="new"/><hl7:responsePriorityCode code="I"/>` +
    `<hl7:parameterList><hl7:patientIdentifier><hl7:value root="${esc(input.patientIns.oid)}" extension="${esc(input.patientIns.matricule)}"/><hl7:semanticsText>Patient.id</hl7:semanticsText></hl7:patientIdentifier></hl7:parameterList>` +
    `</hl7:queryByParameter></hl7:controlActProcess></hl7:PRPA_IN201307UV02>`;
  const xml = envelope({ action, to, vihf: input.vihf, body });
  const response = await postDmp(
    { url: to, certificate: input.certificate, ca: input.ca, timeoutMs: input.timeoutMs },
    {
      contentType: `application/soap+xml; charset=UTF-8; action="${action}"`,
      body: Buffer.from(xml, 'utf8'),
    },
  );
  const answer = parseAnswer(response);
  const queryResponse = answer
    .getElementsByTagNameNS(DMP_NS.hl7, 'queryResponseCode')[0]
    ?.getAttribute('code');
  if (queryResponse === 'NF') return { exists: false, status: 'none' };
  // Hypothesis (the DMP's answer is not public, national-services.md §1.7): the dossier's state is
  // the registrationEvent's statusCode — active (a DMP), completed (closed), nullified (the
  // patient opposed it) — and its patient id the INS the DMP holds.
  const event = answer.getElementsByTagNameNS(DMP_NS.hl7, 'registrationEvent')[0];
  const state = Array.from(event?.childNodes ?? [])
    .find((n): n is Element => n.nodeType === 1 && (n as Element).localName === 'statusCode')
    ?.getAttribute('code');
  if (state === 'completed') return { exists: false, status: 'closed' };
  if (state === 'nullified') return { exists: false, status: 'opposed' };
  const all = Array.from(answer.getElementsByTagName('*'));
  const authorization = all.find((e) => /AUTORISATION/i.test(e.localName ?? ''))?.getAttribute('code');
  const held = event
    ?.getElementsByTagNameNS(DMP_NS.hl7, 'patient')[0]
    ?.getElementsByTagNameNS(DMP_NS.hl7, 'id')[0];
  const reported = held
    ? { matricule: held.getAttribute('extension') ?? '', oid: held.getAttribute('root') ?? '' }
    : undefined;
  const differs =
    reported &&
    reported.matricule !== '' &&
    (reported.matricule !== input.patientIns.matricule || reported.oid !== input.patientIns.oid);
  return {
    exists: true,
    status: 'exists',
    authorization: authorization ?? 'ABSENTE',
    ...(differs ? { reportedIns: reported } : {}),
  };
}

/**
 * TD0.2 for a report's patient, with a fresh VIHF of its author (the delivery's own check before
 * the first DMP send for a patient).
 */
export async function reportPatientExistence(
  input: DmpConnection & {
    description: DmpDocumentDescription;
    software: DmpSoftware;
    specialty?: { code: string; label: string };
    now?: Date;
  },
): Promise<DmpExistence | { status: 'not-eligible'; reason: string }> {
  const eligibility = dmpEligibility(input.description);
  if (!eligibility.eligible) return { status: 'not-eligible', reason: eligibility.reason };
  return existence({
    ...input,
    vihf: reportVihf(input),
    patientIns: input.description.patient.ins as { matricule: string; oid: string },
    sender: {
      id: input.software.id ?? input.description.accessionAuthority,
      name: input.software.name,
    },
  });
}

export interface DmpSoftware {
  /** LPS_Nom, LPS_Version, LPS_ID_HOMOLOGATION_DMP, LPS_ID (optional). */
  name: string;
  version: string;
  homologation: string;
  id?: string;
}

/**
 * The whole ITI-41 feed of one report version, for the delivery job: eligibility (qualified INS
 * only), a fresh VIHF signed with the tenant's certificate (the author is the validating
 * radiologist, INDIRECTE mode), the metadata (RPLC when the version replaces another), the send.
 */
export async function sendReportToDmp(
  input: DmpConnection & {
    description: DmpDocumentDescription;
    cda: Uint8Array | string;
    software: DmpSoftware;
    /** TRE_R38 savoir-faire of the radiologist for the VIHF role (default SM44 Radio-diagnostic). */
    specialty?: { code: string; label: string };
    confidentiality?: XdsMetadataOptions['confidentiality'];
    /**
     * « Connexion secrète » (CI-SIS CONNEXION_SECRETE=Y): the VIHF carries the resource's
     * confidentiality-code, INVISIBLE_REPRESENTANTS_LEGAUX — the only value the DMP handles
     * (national-services.md §1.2 [S]).
     */
    secretConnection?: boolean;
    sourceId?: string;
    now?: Date;
  },
): Promise<
  | { status: 'success'; alreadyPresent: boolean; entryUuid: string; uniqueId: string }
  | { status: 'not-eligible'; reason: string }
> {
  const eligibility = dmpEligibility(input.description);
  if (!eligibility.eligible) return { status: 'not-eligible', reason: eligibility.reason };
  const { description: d } = input;
  // The entry a new version replaces: asked to the DMP (ITI-18), as the DRIMbox PoC does; the
  // entryUUID Rayon gave it otherwise.
  let replaces: { entryUuid: string } | undefined;
  if (d.document.replaces) {
    const entries = await findDocuments({
      ...input,
      vihf: reportVihf(input),
      patientIns: d.patient.ins as { matricule: string; oid: string },
      statuses: ['approved', 'deprecated'],
    });
    // The entry's current logical version (an earlier visibility update deprecated the others).
    const previous = currentEntry(entries, d.document.replaces);
    if (previous) replaces = { entryUuid: previous.entryUuid };
  }
  const metadata = buildXdsMetadata(d, {
    cda: input.cda,
    ...(replaces ? { replaces } : {}),
    ...(input.confidentiality ? { confidentiality: input.confidentiality } : {}),
    ...(input.sourceId ? { sourceId: input.sourceId } : {}),
    ...(input.now ? { now: input.now } : {}),
  });
  const vihf = reportVihf(input, secretVihf(input.secretConnection));
  const result = await provideAndRegister({ ...input, vihf, metadata, cda: input.cda });
  return { ...result, entryUuid: metadata.entryUuid, uniqueId: metadata.uniqueId };
}

/** A fresh VIHF for a report's author (the validating radiologist, INDIRECTE mode). */
function reportVihf(
  input: DmpConnection & {
    description: DmpDocumentDescription;
    software: DmpSoftware;
    specialty?: { code: string; label: string };
    now?: Date;
  },
  extra: { confidentialityCode?: 'INVISIBLE_REPRESENTANTS_LEGAUX' } = {},
): string {
  const d = input.description;
  return buildVihf({
    certificate: input.certificate,
    structure: {
      idNat: d.organisation.idNat,
      name: d.organisation.name,
      facilityType: d.organisation.facilityType.code,
    },
    author: {
      kind: 'professional',
      rpps: d.radiologist.rpps,
      name: [d.radiologist.familyName, d.radiologist.givenName].filter(Boolean).join(', '),
      specialty: input.specialty ?? { code: 'SM44', label: 'Radio-diagnostic (SM)' },
    },
    patientIns: d.patient.ins as { matricule: string; oid: string },
    software: input.software,
    ...extra,
    ...(input.now ? { now: input.now } : {}),
  }).xml;
}

/**
 * Deletes one report version from the DMP (TD3.3c): finds its entry by ITI-18, then ITI-57 with
 * a fresh VIHF. Already deleted (e.g. a retry after a lost answer) counts as done.
 */
export async function withdrawReportFromDmp(
  input: DmpConnection & {
    /** The description of the version to delete. */
    description: DmpDocumentDescription;
    software: DmpSoftware;
    specialty?: { code: string; label: string };
    sourceId?: string;
    now?: Date;
  },
): Promise<{ status: 'success'; alreadyWithdrawn: boolean } | { status: 'not-eligible'; reason: string }> {
  const eligibility = dmpEligibility(input.description);
  if (!eligibility.eligible) return { status: 'not-eligible', reason: eligibility.reason };
  const { description: d } = input;
  const patientIns = d.patient.ins as { matricule: string; oid: string };
  const entries = await findDocuments({ ...input, vihf: reportVihf(input), patientIns });
  const entry = currentEntry(entries, d.document.id);
  if (!entry) {
    throw new DeliveryError({
      retryable: false,
      reason: "Document introuvable dans le DMP : il n'y a rien à supprimer.",
      remote: 'ITI-18: no entry for this uniqueId',
    });
  }
  if (entry.status === 'deleted') return { status: 'success', alreadyWithdrawn: true };
  await withdraw({
    ...input,
    vihf: reportVihf(input),
    entryUuid: entry.entryUuid,
    originalStatus: STATUS[entry.status],
    patientIns,
    author: d.radiologist,
    organisation: d.organisation,
    sourceId: input.sourceId ?? d.accessionAuthority,
  });
  return { status: 'success', alreadyWithdrawn: false };
}

export type DmpEntryStatus = 'approved' | 'deprecated' | 'deleted';
const STATUS_BY_URI: Record<string, DmpEntryStatus> = {
  [STATUS.approved]: 'approved',
  [STATUS.deprecated]: 'deprecated',
  [STATUS.deleted]: 'deleted',
};

/**
 * ITI-18 FindDocuments (national-services.md §1.6) for one patient: the entries the DMP holds,
 * with their entryUUID, uniqueId and status — how a source learns the entry a replacement or a
 * deletion targets (the DRIMbox PoC does the same).
 */
export async function findDocuments(
  input: DmpConnection & {
    vihf: string;
    patientIns: { matricule: string; oid: string };
    statuses?: readonly DmpEntryStatus[];
  },
): Promise<DmpEntry[]> {
  const action = 'urn:ihe:iti:2007:RegistryStoredQuery';
  const to = serviceUrl(input.endpoint, DMP_SERVICES.updateDocumentSet.path);
  const statuses = (input.statuses ?? ['approved', 'deprecated', 'deleted']).map((s) => `'${STATUS[s]}'`);
  const body =
    `<query:AdhocQueryRequest xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="${DMP_NS.rim}">` +
    `<query:ResponseOption returnComposedObjects="true" returnType="LeafClass"/>` +
    `<rim:AdhocQuery id="urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d">` +
    `<rim:Slot name="$XDSDocumentEntryPatientId"><rim:ValueList><rim:Value>${esc(`'${insCx(input.patientIns)}'`)}</rim:Value></rim:ValueList></rim:Slot>` +
    `<rim:Slot name="$XDSDocumentEntryStatus"><rim:ValueList><rim:Value>(${statuses.join(',')})</rim:Value></rim:ValueList></rim:Slot>` +
    `</rim:AdhocQuery></query:AdhocQueryRequest>`;
  const xml = envelope({ action, to, vihf: input.vihf, body });
  const response = await postDmp(
    { url: to, certificate: input.certificate, ca: input.ca, timeoutMs: input.timeoutMs },
    {
      contentType: `application/soap+xml; charset=UTF-8; action="${action}"`,
      body: Buffer.from(xml, 'utf8'),
    },
  );
  const answer = parseAnswer(response);
  if (answer.getAttribute('status') !== RESPONSE_STATUS.success) {
    const first = answer.getElementsByTagNameNS(DMP_NS.rs, 'RegistryError')[0];
    throw new DeliveryError({
      retryable: false,
      reason: 'Le DMP a refusé la recherche des documents du patient.',
      remote: first
        ? `${first.getAttribute('errorCode') ?? ''}: ${first.getAttribute('codeContext') ?? ''}`
        : 'Failure',
    });
  }
  return Array.from(answer.getElementsByTagNameNS(DMP_NS.rim, 'ExtrinsicObject')).map((e) => {
    const entryUuid = e.getAttribute('id') ?? '';
    return {
      entryUuid,
      // A registry that does not version entries: the entry is its own logical id, version 1.
      lid: e.getAttribute('lid') || entryUuid,
      version: e.getElementsByTagNameNS(DMP_NS.rim, 'VersionInfo')[0]?.getAttribute('versionName') ?? '1',
      status: STATUS_BY_URI[e.getAttribute('status') ?? ''] ?? 'approved',
      uniqueId:
        Array.from(e.getElementsByTagNameNS(DMP_NS.rim, 'ExternalIdentifier'))
          .find((x) => x.getAttribute('identificationScheme') === XDS_UUID.documentEntryUniqueId)
          ?.getAttribute('value') ?? '',
      confidentialityCodes: Array.from(e.getElementsByTagNameNS(DMP_NS.rim, 'Classification'))
        .filter((c) => c.getAttribute('classificationScheme') === XDS_UUID.confidentialityCode)
        .map((c) => c.getAttribute('nodeRepresentation') ?? ''),
    };
  });
}

/** An entry as ITI-18 returns it: its logical id and version (ITI-57), status and visibility. */
export interface DmpEntry {
  entryUuid: string;
  lid: string;
  version: string;
  uniqueId: string;
  status: DmpEntryStatus;
  confidentialityCodes: string[];
}

/** The current logical version of a document: approved first, else the latest one found. */
function currentEntry(entries: readonly DmpEntry[], uniqueId: string): DmpEntry | undefined {
  const all = entries.filter((e) => e.uniqueId === uniqueId);
  return all.find((e) => e.status === 'approved') ?? all.at(-1);
}

const secretVihf = (secret: boolean | undefined) =>
  secret ? { confidentialityCode: 'INVISIBLE_REPRESENTANTS_LEGAUX' as const } : {};

/**
 * ITI-57 Update Document Set to `/registry` (plain SOAP 1.2): the metadata built by
 * buildXdsMetadata(…, { update }) — a new logical version of an entry.
 */
export async function updateDocumentSet(
  input: DmpConnection & { vihf: string; metadata: { xml: string } },
): Promise<{ status: 'success' }> {
  const { path, action } = DMP_SERVICES.updateDocumentSet;
  const to = serviceUrl(input.endpoint, path);
  const xml = envelope({ action, to, vihf: input.vihf, body: input.metadata.xml });
  const response = await postDmp(
    { url: to, certificate: input.certificate, ca: input.ca, timeoutMs: input.timeoutMs },
    {
      contentType: `application/soap+xml; charset=UTF-8; action="${action}"`,
      body: Buffer.from(xml, 'utf8'),
    },
  );
  readRegistryResponse(parseAnswer(response));
  return { status: 'success' };
}

/**
 * Changes the visibility of a document already in the DMP (e.g. INVISIBLE_PATIENT lifted once
 * the announcement is recorded): finds its current entry by ITI-18, then ITI-57 with a new
 * logical version of the entry whose confidentialityCode list is the one asked — same uniqueId,
 * hash and size, the other metadata as first sent (national-services.md §1.5: the ANS « Mise à
 * jour des métadonnées d'une fiche »). Hypothesis: the DMP takes the ITI-57 DocumentEntry
 * metadata update (IHE ITI TF-2b 3.57.4.1.3.3.1) for it; the DMP guide's own message is not public.
 * Already so (a retry after a lost answer): nothing sent.
 */
export async function updateReportVisibility(
  input: DmpConnection & {
    description: DmpDocumentDescription;
    cda: Uint8Array | string;
    software: DmpSoftware;
    confidentiality: NonNullable<XdsMetadataOptions['confidentiality']>;
    secretConnection?: boolean;
    specialty?: { code: string; label: string };
    sourceId?: string;
    now?: Date;
  },
): Promise<
  | { status: 'success'; alreadyDone: boolean; entryUuid: string; version: string }
  | { status: 'not-eligible'; reason: string }
> {
  const eligibility = dmpEligibility(input.description);
  if (!eligibility.eligible) return { status: 'not-eligible', reason: eligibility.reason };
  const d = input.description;
  const patientIns = d.patient.ins as { matricule: string; oid: string };
  const entries = await findDocuments({
    ...input,
    vihf: reportVihf(input),
    patientIns,
    statuses: ['approved', 'deprecated'],
  });
  const entry = currentEntry(entries, d.document.id);
  if (!entry || entry.status !== 'approved') {
    throw new DeliveryError({
      retryable: false,
      reason: entry
        ? 'Le document a été remplacé dans le DMP : sa visibilité suit la nouvelle version.'
        : 'Document introuvable dans le DMP : sa visibilité ne peut pas être modifiée.',
      remote: entry ? `ITI-18: entry ${entry.status}` : 'ITI-18: no entry for this uniqueId',
    });
  }
  const wanted = buildXdsMetadata(d, { cda: input.cda, confidentiality: input.confidentiality });
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && [...a].sort().join() === [...b].sort().join();
  if (same(entry.confidentialityCodes, wanted.confidentialityCodes)) {
    return { status: 'success', alreadyDone: true, entryUuid: entry.entryUuid, version: entry.version };
  }
  const next = String(Number(entry.version) + 1);
  const metadata = buildXdsMetadata(d, {
    cda: input.cda,
    confidentiality: input.confidentiality,
    update: {
      // Name-based like the first entry's: a retry of this very update sends the same entry.
      entryUuid: `urn:uuid:${nameUuid(`rayon:dmp:entry:${d.document.id}:v${next}`)}`,
      lid: entry.lid,
      previousVersion: entry.version,
    },
    ...(input.sourceId ? { sourceId: input.sourceId } : {}),
    ...(input.now ? { now: input.now } : {}),
  });
  await updateDocumentSet({
    ...input,
    vihf: reportVihf(input, secretVihf(input.secretConnection)),
    metadata,
  });
  return { status: 'success', alreadyDone: false, entryUuid: metadata.entryUuid, version: next };
}
