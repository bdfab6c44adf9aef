import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { type ErrorCode, JointlyError } from '../../kernel/errors.ts';

type IssueType = OperationOutcomeIssue['code'];

export interface FhirIssue {
  code: IssueType;
  diagnostics: string;
  /** The element at fault, as FHIRPath ("Observation.valueQuantity.value"). */
  expression?: string[];
}

/** A refusal in FHIR's terms: the HTTP status and each issue, naming the element at fault. */
export class FhirProblem extends Error {
  readonly issues: FhirIssue[];

  constructor(
    readonly status: number,
    issues: FhirIssue[],
  ) {
    super(issues.map((i) => i.diagnostics).join('; '));
    this.name = 'FhirProblem';
    this.issues = issues;
  }
}

const one = (code: IssueType, diagnostics: string, expression?: string): FhirIssue[] => [
  { code, diagnostics, ...(expression ? { expression: [expression] } : {}) },
];

/** 400: the request is malformed (bad JSON, a wrong type, a parameter Jointly does not know). */
export const invalid = (message: string, expression?: string) =>
  new FhirProblem(400, one('invalid', message, expression));

/** 422: well formed, but not something Jointly can take (an unknown code, an impossible value). */
export const unprocessable = (message: string, expression?: string, issue: IssueType = 'processing') =>
  new FhirProblem(422, one(issue, message, expression));

export const notFound = (message: string) => new FhirProblem(404, one('not-found', message));

export function operationOutcome(
  issues: (FhirIssue & { severity?: 'error' | 'warning' | 'information' })[],
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity ?? 'error',
      code: i.code,
      diagnostics: i.diagnostics,
      ...(i.expression?.length ? { expression: i.expression } : {}),
    })),
  };
}

const issueByCode: Record<ErrorCode, IssueType> = {
  INVALID_INPUT: 'invalid',
  NOT_SIGNED_IN: 'login',
  SIGN_IN_FAILED: 'login',
  ACCOUNT_LOCKED: 'throttled',
  CSRF_FAILED: 'security',
  FORBIDDEN: 'forbidden',
  NO_RELATIONSHIP: 'forbidden',
  NOT_FOUND: 'not-found',
  CONFLICT: 'duplicate',
  NOT_NOW: 'conflict',
};

/** Where each field of Jointly's result input lies in an Observation, for messages that name the element. */
const observationElements: Record<string, string> = {
  analyte: 'Observation.code',
  value: 'Observation.valueQuantity.value',
  unit: 'Observation.valueQuantity.unit',
  rangeLow: 'Observation.referenceRange.low.value',
  rangeHigh: 'Observation.referenceRange.high.value',
  specimenDate: 'Observation.effectiveDateTime',
  externalId: 'Observation.identifier',
};

/** A field of the results path (`results.0.unit`) as the Observation element it came from. */
export function observationElement(field: string): string {
  const last = field.split('.').at(-1) ?? field;
  return observationElements[last] ?? 'Observation';
}

/**
 * Any error as the status and OperationOutcome a FHIR client reads. Jointly's refusals keep their status
 * (a refused result becomes 422, naming the element); anything unexpected is a 500 without details.
 */
export function outcomeFor(
  error: unknown,
  context: { creatingObservation?: boolean } = {},
): { status: number; outcome: OperationOutcome } | undefined {
  if (error instanceof FhirProblem) {
    return { status: error.status, outcome: operationOutcome(error.issues) };
  }
  if (error instanceof JointlyError) {
    if (error.code === 'INVALID_INPUT' && context.creatingObservation) {
      const issues = error.fields.length
        ? error.fields.map((f) => ({
            code: 'processing' as const,
            diagnostics: f.message,
            expression: [observationElement(f.field)],
          }))
        : [{ code: 'processing' as const, diagnostics: error.message }];
      return { status: 422, outcome: operationOutcome(issues) };
    }
    return {
      status: error.status,
      outcome: operationOutcome([
        {
          code: issueByCode[error.code],
          diagnostics: forSystems(error.message),
          expression: error.fields.map((f) => f.field),
        },
      ]),
    };
  }
  return undefined;
}

/** Systems cannot declare break-glass access, so a refusal does not suggest it. */
function forSystems(message: string): string {
  return message.replace(/, and you have no current break-glass access\..*$/s, '.');
}
