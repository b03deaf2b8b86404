import { AppError } from '@rayon/domain';

export interface DeliveryErrorOptions {
  /** Whether sending the same thing again later can succeed (the queue retries with backoff). */
  retryable: boolean;
  /** Plain French for the portal, without patient data: what happened, what to do. */
  reason: string;
  /** The remote answer as received (ACK text, SOAP fault, SMTP response), kept with the attempt. */
  remote?: string | undefined;
  /** Technical message for logs (default: the reason). */
  message?: string | undefined;
  cause?: unknown;
}

/**
 * Why a delivery attempt (DMP, MSSanté, PFI…) failed, in the shape the delivery pipeline reads
 * (`{ retryable, reason, remote? }`): retryable failures are retried with backoff; the others
 * wait for a person, who sees `reason` in the portal.
 */
export class DeliveryError extends AppError {
  readonly retryable: boolean;
  readonly reason: string;
  readonly remote: string | undefined;

  constructor(options: DeliveryErrorOptions) {
    super(options.retryable ? 'UNAVAILABLE' : 'CONFLICT', options.message ?? options.reason, {
      cause: options.cause,
    });
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    this.reason = options.reason;
    this.remote = options.remote;
  }
}

export function isDeliveryError(e: unknown): e is DeliveryError {
  return e instanceof DeliveryError;
}
