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

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Dotted path of the offending input field, when the error is about one field. */
  readonly field: string | undefined;
  /**
   * What a client needs to explain the refusal in its own language: a stable `reason` key and
   * its parameters (e.g. the password policy's feedback). Never secrets nor patient data.
   */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { field?: string; cause?: unknown; details?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}

export const badInput = (field: string, message: string) => new AppError('BAD_INPUT', message, { field });
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string, field?: string) =>
  new AppError('CONFLICT', message, field === undefined ? {} : { field });

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
