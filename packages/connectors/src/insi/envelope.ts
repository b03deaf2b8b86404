import { create } from 'xmlbuilder2';
import {
  ACTIONS,
  CONTEXT_VERSIONS,
  IDAM_REFERENTIAL,
  LPS_NATURE,
  NS,
  SOAP12_NS,
  WSA_NS,
  type InsiAction,
} from './protocol.ts';
import type { TraitsRequestBody, VitaleQuery } from './query.ts';

/** The software as the CNDA authorised it (ContexteLPS/LPS). */
export interface LpsIdentity {
  /** IDAM: the CNDA authorisation number of the software (`R="4"`). */
  idam: string;
  /** Software version as declared to the CNDA. */
  version: string;
  /** Software name; sent as `urn:lps:<name>:<version>` (TLSI-INS lps-context, national-services.md §3). */
  name: string;
  /** Identifier of this installation of the software (a UUID). */
  instance: string;
}

export interface EnvelopeContext {
  lps: LpsIdentity;
  /** Emetteur of ContexteBAM / ContexteLPS: who calls (structure or user identifier). */
  emitter: string;
  now: Date;
  uuid: () => string;
}

export interface BuiltEnvelope {
  xml: string;
  action: InsiAction;
  /** wsa:MessageID, `uuid:<uuid>`; the service echoes it in siram:Erreur@messageID. */
  messageId: string;
}

const XMLNS = 'http://www.w3.org/2000/xmlns/';
type XMLBuilder = ReturnType<typeof create>;

/**
 * SOAP 1.2 envelope of an ICIRServiceBinding input message: the body part plus the four header
 * parts of the WSDL message (wsse:Security is omitted: with an organisation certificate the
 * authentication is the mutual TLS; national-services.md §3), and wsa:Action (wsaw:Action of the
 * operation). Element order inside each header follows its XSD sequence.
 */
function envelope(
  ctx: EnvelopeContext,
  action: InsiAction,
  coverage: (couverture: XMLBuilder) => void,
  body: (body: XMLBuilder) => void,
): BuiltEnvelope {
  const messageId = `uuid:${ctx.uuid()}`;
  const time = ctx.now.toISOString();
  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(SOAP12_NS, 'soap:Envelope')
    .att(XMLNS, 'xmlns:wsa', WSA_NS)
    .att(XMLNS, 'xmlns:ctxbam', NS.ctxbam)
    .att(XMLNS, 'xmlns:ctxlps', NS.ctxlps);
  const header = root.ele(SOAP12_NS, 'soap:Header');
  header.ele(WSA_NS, 'wsa:Action').txt(action);
  header.ele(WSA_NS, 'wsa:MessageID').txt(messageId);

  // ContexteBAM (ROOT_ctxbam_CTXBAM_V01_02.xsd): Id, Temps, Emetteur?, DateRef?, COUVERTURE.
  const bam = header.ele(NS.ctxbam, 'ctxbam:ContexteBAM', { Version: CONTEXT_VERSIONS.bam });
  bam.ele(NS.ctxbam, 'ctxbam:Id').txt(ctx.uuid());
  bam.ele(NS.ctxbam, 'ctxbam:Temps').txt(time);
  bam.ele(NS.ctxbam, 'ctxbam:Emetteur').txt(ctx.emitter);
  coverage(bam.ele(NS.ctxbam, 'ctxbam:COUVERTURE'));

  // ContexteLPS (ROOT_ctxlps_CTXLPS_V01_00.xsd): Id, Temps, Emetteur?, LPS{IDAM, Version, Instance, Nom}.
  const lps = header.ele(NS.ctxlps, 'ctxlps:ContexteLPS', {
    Nature: LPS_NATURE,
    Version: CONTEXT_VERSIONS.lps,
  });
  lps.ele(NS.ctxlps, 'ctxlps:Id').txt(ctx.uuid());
  lps.ele(NS.ctxlps, 'ctxlps:Temps').txt(time);
  lps.ele(NS.ctxlps, 'ctxlps:Emetteur').txt(ctx.emitter);
  const software = lps.ele(NS.ctxlps, 'ctxlps:LPS');
  software.ele(NS.ctxlps, 'ctxlps:IDAM', { R: IDAM_REFERENTIAL }).txt(ctx.lps.idam);
  software.ele(NS.ctxlps, 'ctxlps:Version').txt(ctx.lps.version);
  software.ele(NS.ctxlps, 'ctxlps:Instance').txt(ctx.lps.instance);
  software.ele(NS.ctxlps, 'ctxlps:Nom').txt(softwareUrn(ctx.lps));

  body(root.ele(SOAP12_NS, 'soap:Body'));
  return { xml: root.end({ prettyPrint: false }), action, messageId };
}

function softwareUrn(lps: LpsIdentity): string {
  return lps.name.startsWith('urn:lps:') ? lps.name : `urn:lps:${lps.name}:${lps.version}`;
}

/** rechercherInsAvecTraitsIdentite: RECSANSVITALE (INSi_RECSANS_INS.xsd) with one Prenom; COUVERTURE empty. */
export function buildTraitsEnvelope(ctx: EnvelopeContext, query: TraitsRequestBody): BuiltEnvelope {
  return envelope(
    ctx,
    ACTIONS.searchByTraits,
    () => {},
    (body) => {
      const rec = body.ele(NS.recSans, 'RECSANSVITALE');
      rec.ele(NS.recSans, 'NomNaissance').txt(query.birthFamilyName);
      rec.ele(NS.recSans, 'Prenom').txt(query.forename);
      rec.ele(NS.recSans, 'Sexe').txt(query.sex);
      rec.ele(NS.recSans, 'DateNaissance').txt(query.birthDate);
      if (query.birthPlaceCode) rec.ele(NS.recSans, 'LieuNaissance').txt(query.birthPlaceCode);
    },
  );
}

/**
 * rechercherInsAvecCarteVitale: RECVITALE (INSi_RECVITALE_INS.xsd: MatriculeIndividu?,
 * MatriculeOD?, NomNaissance?, DateNaissance?, RangNaissance?) and the card data repeated in
 * ContexteBAM/COUVERTURE (ASSURE/Id, BENEFICIAIRE/{Nir, DateNai, Rang}), the shape third-party
 * Pyxvital templates show (national-services.md §3, [S]). The Vitale-card assertion those
 * templates add to wsse:Security is not produced: it comes from the card reader stack.
 */
export function buildVitaleEnvelope(ctx: EnvelopeContext, query: VitaleQuery): BuiltEnvelope {
  const split = (nir: string) => ({ num: nir.slice(0, 13), key: nir.slice(13) });
  const insured = split(query.insuredNir);
  const beneficiary = query.beneficiaryNir ? split(query.beneficiaryNir) : undefined;
  return envelope(
    ctx,
    ACTIONS.searchWithVitale,
    (couverture) => {
      const id = couverture.ele(NS.ctxbam, 'ctxbam:ASSURE').ele(NS.ctxbam, 'ctxbam:Id');
      id.ele(NS.ctxbam, 'ctxbam:Num').txt(insured.num);
      id.ele(NS.ctxbam, 'ctxbam:Cle').txt(insured.key);
      const ben = couverture.ele(NS.ctxbam, 'ctxbam:BENEFICIAIRE');
      if (beneficiary) {
        const nir = ben.ele(NS.ctxbam, 'ctxbam:Nir');
        nir.ele(NS.ctxbam, 'ctxbam:Num').txt(beneficiary.num);
        nir.ele(NS.ctxbam, 'ctxbam:Cle').txt(beneficiary.key);
      }
      ben.ele(NS.ctxbam, 'ctxbam:DateNai').txt(query.birthDate);
      ben.ele(NS.ctxbam, 'ctxbam:Rang').txt(String(query.birthRank));
    },
    (body) => {
      const rec = body.ele(NS.recVit, 'RECVITALE');
      if (beneficiary) {
        const individual = rec.ele(NS.recVit, 'MatriculeIndividu');
        individual.ele(NS.recVit, 'NumIdentifiant').txt(beneficiary.num);
        individual.ele(NS.recVit, 'Cle').txt(beneficiary.key);
      }
      const od = rec.ele(NS.recVit, 'MatriculeOD');
      od.ele(NS.recVit, 'NumIdentifiant').txt(insured.num);
      od.ele(NS.recVit, 'Cle').txt(insured.key);
      if (query.birthFamilyName) rec.ele(NS.recVit, 'NomNaissance').txt(query.birthFamilyName);
      rec.ele(NS.recVit, 'DateNaissance').txt(query.birthDate);
      rec.ele(NS.recVit, 'RangNaissance').txt(String(query.birthRank));
    },
  );
}
