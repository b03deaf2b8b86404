export { createInbound, type Inbound, type InboundDeps, type InboundResult } from './receive.ts';
