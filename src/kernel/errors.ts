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

/** Refuses input naming every field at fault, the messages joined for an API client that reads one line. */
export function refuseFields(fields: FieldProblem[]): JointlyError {
  return new JointlyError('INVALID_INPUT', fields.map((f) => f.message).join('; '), fields);
}

/** A schema's problems (zod's issues) as the field messages a form or API client shows. */
export function fieldProblems(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): FieldProblem[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'input', message: i.message }));
}

/** Validates a form or API body against a schema (zod's `safeParse`), refusing with every field at fault. */
export function parseInput<T>(
  schema: {
    safeParse(
      input: unknown,
    ): { success: true; data: T } | { success: false; error: Parameters<typeof fieldProblems>[0] };
  },
  input: unknown,
): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw refuseFields(fieldProblems(parsed.error));
}

/** Refuses input, naming the field that is wrong. */
export function invalidField(field: string, message: string): JointlyError {
  return new JointlyError('INVALID_INPUT', message, [{ field, message }]);
}
