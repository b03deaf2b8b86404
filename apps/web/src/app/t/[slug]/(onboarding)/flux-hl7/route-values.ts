/** The new-route form's empty values (1 Mio by default). */
export const EMPTY_ROUTE_VALUES = {
  receivingApplication: '',
  receivingFacility: '',
  allowedSources: '',
  clientCertFingerprints: '',
  maxMessageKib: '1024',
};
