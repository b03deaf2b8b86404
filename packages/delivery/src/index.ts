/**
 * @rayon/delivery: where a validated report goes (DMP, MSSanté to the referrer and the patient,
 * PFI/DRIMbox): its sends planned, each attempted with the practice's organisation certificate,
 * retried, cancelled; the receipts that come back; the use cases of the portal, the public API and
 * the worker (`createDelivery`).
 */
export * from './delivery.ts';
export * from './deliveries.ts';
export * from './frozen.ts';
export * from './receipts.ts';
export * from './senders.ts';
export { DMP_VISIBILITY_NOTHING_TO_UPDATE } from './dmp.ts';
