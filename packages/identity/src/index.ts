/**
 * Identity application services shared by the API (a person at the desk) and the worker
 * (unattended calls): INSi calls.
 */
export * from './insi.ts';
