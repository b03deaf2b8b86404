/** @rayon/reporting: the reporting area's use cases (createReporting), its documents, its reminders. */
export * from './reporting.ts';
export * from './documents.ts';
export * from './reminders.ts';
export * from './visibility.ts';
