import { TaskError, UnrecoverableTaskError } from '../errors.js';

// The two unrecoverable errors keep the name `UnrecoverableTaskError` (a subclass cannot narrow that literal):
// anything that reads names still sees them as final; `instanceof` tells them apart.

/** The destination is outside the allow-list, or is (or resolves to) a private address that is not listed. */
export class DestinationRefusedError extends UnrecoverableTaskError {
  constructor(
    /** The URL without its query string, which may hold secrets. */
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused to call ${url}: ${reason}`);
  }
}

/** The receiver answered with a status that retrying cannot fix: 4xx other than 408/429, or a 3xx not followed. */
export class HttpRejectedError extends UnrecoverableTaskError {
  constructor(
    readonly url: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${url} answered ${status}${detail ? `: ${detail}` : ''}`);
  }
}

/** Worth another attempt: 408, 429, 5xx, a network failure, a DNS failure, a timeout or an abort. */
export class HttpDeliveryError extends TaskError {
  override readonly name = 'HttpDeliveryError';
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
