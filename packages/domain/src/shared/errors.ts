import type { Reason, ReasonKey } from './reasons.ts';

/**
 * Typed error codes raised by the domain and the services. Each code is mapped once, at the
 * edge, to an HTTP status (REST) and a tRPC code (portal): see apps/api/src/http/errors.ts.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What an AppError may carry beyond its code and message. */
export type AppErrorOptions = {
  field?: string;
  cause?: unknown;
  /** Other facts a client needs (e.g. the password policy's feedback, a retry delay). */
  details?: Readonly<Record<string, unknown>>;
} & (Reason | { reason?: undefined; params?: undefined });

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Dotted path of the offending input field, when the error is about one field. */
  readonly field: string | undefined;
  /**
   * The stable reason key (catalogue: reasons.ts) a client translates (given as the `reason`
   * option, sent as `reason`), and its parameters. The message stays English, for developers and
   * logs. Never secrets nor patient data.
   */
  readonly reasonKey: ReasonKey | undefined;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  /**
   * What a client needs to explain the refusal in its own language: a stable `reason` key and
   * its parameters (e.g. the password policy's feedback). Never secrets nor patient data.
   */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.reasonKey = options.reason;
    this.params = options.reason === undefined ? undefined : (options.params ?? {});
    this.details = options.details;
  }
}

export const badInput = (field: string, message: string, reason?: Reason) =>
  new AppError('BAD_INPUT', message, { field, ...reason });
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
/** CONFLICT, naming the field and carrying a reason key where there is one. */
export const conflict = (message: string, options: AppErrorOptions = {}) =>
  new AppError('CONFLICT', message, options);

/** An error's reason key and parameters, to carry them over to another error (none: empty). */
export function reasonOf(e: AppError): Reason | Record<string, never> {
  return e.reasonKey === undefined ? {} : ({ reason: e.reasonKey, params: e.params } as Reason);
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
