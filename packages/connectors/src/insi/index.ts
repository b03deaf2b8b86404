export {
  createInsiClient,
  createInsiClientWithTransport,
  type InsiAttempt,
  type InsiClient,
  type InsiClientOptions,
  type InsiSearchResult,
} from './client.ts';
export {
  buildTraitsEnvelope,
  buildVitaleEnvelope,
  type BuiltEnvelope,
  type EnvelopeContext,
  type LpsIdentity,
} from './envelope.ts';
export { InsiError, type InsiErrorKind, type SiramFault } from './errors.ts';
export {
  ACTIONS as INSI_ACTIONS,
  NS as INSI_NAMESPACES,
  QUALIFICATION_ENDPOINT as INSI_QUALIFICATION_ENDPOINT,
  RESULT_CODES as INSI_RESULT_CODES,
  SOAP12_MEDIA_TYPE,
  SOAP12_NS,
  WSA_NS,
  type InsiAction,
  type InsiResultCode,
} from './protocol.ts';
export { forenameAttempts, toInsCharacters, type TraitsQuery, type VitaleQuery } from './query.ts';
export {
  parseEnvelope,
  parseInsiResponse,
  type InsHistoryEntry,
  type InsiIdentity,
  type ParsedInsiResponse,
  type ReturnedTraits,
} from './response.ts';
export type { SoapHttpResponse, SoapTransport } from './transport.ts';
