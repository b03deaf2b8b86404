export {
  createTestPki,
  type TestCertificatePems,
  type TestClientCertificate,
  type TestPki,
  type TestPkiOptions,
} from './pki.ts';
export {
  ACCEPTED_CNS,
  INSI_ACTIONS,
  startInsiSimulator,
  type InsiExchange,
  type InsiSimulator,
  type InsiSimulatorOptions,
} from './server.ts';
export {
  ACCESS_FAULTS,
  DEFAULT_FAULT_TRIGGERS,
  DEFAULT_IDENTITIES,
  OFFICIAL_IDENTITIES,
  SYNTHETIC_IDENTITIES,
  type FaultTrigger,
  type SimulatedFault,
  type SimulatedIdentity,
  type SimulatedIns,
  type SimulatedTiq,
} from './identities.ts';
export { faultEnvelope, resultatEnvelope } from './soap.ts';
export {
  validateAgainst,
  validateRequestEnvelope,
  FAULT_SCHEMA,
  RESULTAT_SCHEMA,
  type SchemaVerdict,
} from './schemas.ts';
export { insiConformance, requireInsiConformance, sharedRoot } from './shared.ts';
