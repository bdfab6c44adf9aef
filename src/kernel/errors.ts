/**
 * The one catalogue of errors a user can meet: each with its HTTP status and a message they can act on.
 * Everything that refuses a request throws a `JointlyError` with one of these codes.
 */
export const errorCatalogue = {
  INVALID_INPUT: { status: 400, title: 'Some details need correcting' },
  NOT_SIGNED_IN: { status: 401, title: 'You need to sign in' },
  SIGN_IN_FAILED: { status: 401, title: 'Sign-in failed' },
  ACCOUNT_LOCKED: { status: 429, title: 'Too many attempts' },
  CSRF_FAILED: { status: 403, title: 'This form has expired' },
  FORBIDDEN: { status: 403, title: 'You do not have permission to do this' },
  NO_RELATIONSHIP: { status: 403, title: 'You do not have a relationship with this patient' },
  NOT_FOUND: { status: 404, title: 'Page not found' },
  CONFLICT: { status: 409, title: 'This would duplicate an existing record' },
  NOT_NOW: { status: 409, title: 'This cannot be done at this stage' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

/** A message about one field of the input, in words the user can act on. */
export interface FieldProblem {
  field: string;
  message: string;
}

export class JointlyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: FieldProblem[];

  constructor(code: ErrorCode, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.name = 'JointlyError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fields = fields;
  }

  get title(): string {
    return errorCatalogue[this.code].title;
  }
}

/** Refuses input, naming the field that is wrong. */
export function invalidField(field: string, message: string): JointlyError {
  return new JointlyError('INVALID_INPUT', message, [{ field, message }]);
}
