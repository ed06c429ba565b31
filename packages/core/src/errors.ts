/**
 * The one error model. Core and the adapters throw these; the API maps each `code` to an HTTP status and a
 * problem+json body in one place, so no SDK message or stack trace ever reaches a client.
 */
export interface FieldProblem {
  /** Where the bad value is, as a JSON-pointer-like dotted path: `assessment.L`, `query.limit`. */
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'validation_failed';
  constructor(
    readonly problems: FieldProblem[],
    message = 'The request has invalid fields.',
  ) {
    super(message);
  }
}

/** Absent, or belonging to another county: the two must look the same to the caller. */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  constructor(what = 'resource') {
    super(`The ${what} does not exist.`);
  }
}

/** A stale version, a duplicate, or a transition the current state does not allow. */
export class ConflictError extends DomainError {
  readonly code: string;
  constructor(message: string, code = 'conflict', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export class ForbiddenError extends DomainError {
  readonly code: string;
  /** `code` names the rule that refused (`same_person`, `not_announcer`) where a client may act on it. */
  constructor(message = 'You are not allowed to do this.', code = 'forbidden') {
    super(message);
    this.code = code;
  }
}

export class UnauthorizedError extends DomainError {
  readonly code: string;
  constructor(message = 'A valid access token is required.', options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.code = options?.code ?? 'unauthorized';
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
}

export class TooManyRequestsError extends DomainError {
  readonly code: string;
  /** Seconds until a retry can succeed; sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
  constructor(message: string, options: { code?: string; retryAfterSeconds?: number } = {}) {
    super(message);
    this.code = options.code ?? 'too_many_requests';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A dependency (DynamoDB, S3, the token issuer) cannot be reached; the caller may retry. */
export class ServiceUnavailableError extends DomainError {
  readonly code = 'service_unavailable';
  constructor(
    readonly dependency: string,
    options?: ErrorOptions,
  ) {
    super(`${dependency} is unavailable; try again shortly.`, options);
  }
}
