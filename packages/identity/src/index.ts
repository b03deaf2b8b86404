/**
 * Identity application services shared by the API (a person at the desk) and the worker
 * (unattended calls): the practice's organisation certificates and INSi calls.
 */
export * from './certificates.ts';
export * from './insi.ts';
