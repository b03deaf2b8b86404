/**
 * @rayon/hl7: HL7 v2.5 ER7 for the French profiles. Pure (bytes in, bytes/objects out): MLLP
 * framing, per-message charset, parser, ACK builder, PAM-FR ADT mapping. The gateway owns the
 * sockets and the storage.
 */
export * from './errors.ts';
export * from './mllp.ts';
export * from './charset.ts';
export * from './encoding.ts';
export * from './message.ts';
export * from './header.ts';
export * from './ack.ts';
export * from './adt.ts';
export * from './order.ts';
export * from './cda-message.ts';
