export { createRelay, outboxJobId } from './outbox/relay.ts';
export { createJobsQueue, JOBS_QUEUE, type JobData } from './queue.ts';
export { createProcessor, defaultHandlers, type Handler } from './processor.ts';
export { startWorkerTier } from './worker.ts';
