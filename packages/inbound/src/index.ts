export { applyAdt } from './adt.ts';
export { createInbound, type Inbound, type InboundDeps, type InboundResult } from './receive.ts';
