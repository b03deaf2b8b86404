/** @rayon/reporting: what happens to a report outside a request: its documents, its reminders. */
export * from './documents.ts';
export * from './reminders.ts';
export * from './visibility.ts';
