import { AppError, type ErrorCode } from '@rayon/domain';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';

/** The one mapping of our error codes to HTTP statuses and tRPC codes. */
export const ERROR_MAP: Record<ErrorCode, { http: ContentfulStatusCode; trpc: TRPC_ERROR_CODE_KEY }> = {
  BAD_INPUT: { http: 400, trpc: 'BAD_REQUEST' },
  UNAUTHENTICATED: { http: 401, trpc: 'UNAUTHORIZED' },
  FORBIDDEN: { http: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { http: 404, trpc: 'NOT_FOUND' },
  CONFLICT: { http: 409, trpc: 'CONFLICT' },
  PAYLOAD_TOO_LARGE: { http: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  RATE_LIMITED: { http: 429, trpc: 'TOO_MANY_REQUESTS' },
  UNAVAILABLE: { http: 503, trpc: 'SERVICE_UNAVAILABLE' },
  INTERNAL: { http: 500, trpc: 'INTERNAL_SERVER_ERROR' },
};

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    field: string | null;
    requestId: string | undefined;
    /** The stable reason key (packages/domain/src/shared/reasons.ts) and its parameters. */
    reason: string | null;
    params: Readonly<Record<string, unknown>> | null;
  };
}

/** Turns a zod failure into BAD_INPUT naming the first offending field (dotted path). */
export function fromZod(error: ZodError): AppError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  let message = issue?.message ?? 'invalid input';
  if (issue?.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    return new AppError('BAD_INPUT', `unknown field${issue.keys.length > 1 ? 's' : ''}: ${keys}`, {
      field: [...issue.path, issue.keys[0]].join('.'),
    });
  }
  if (field) message = `${field}: ${message}`;
  return new AppError('BAD_INPUT', message, field === undefined ? {} : { field });
}

/** Any thrown value as an AppError; unknown errors become INTERNAL without leaking their text. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof ZodError) return fromZod(e);
  return new AppError('INTERNAL', 'internal error', { cause: e });
}

export function errorBody(e: AppError, requestId: string | undefined): ErrorBody {
  return {
    error: {
      code: e.code,
      message: e.message,
      field: e.field ?? null,
      requestId,
      reason: e.reasonKey ?? null,
      params: e.params ?? null,
    },
  };
}
