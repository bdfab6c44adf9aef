import nhsNumberValidator from 'nhs-number-validator';

/** A 10-digit NHS number that has passed the modulus 11 check, stored without spaces. */
export type NhsNumber = string & { readonly __brand: 'NhsNumber' };

export type NhsNumberProblem = 'not-ten-digits' | 'check-digit' | 'test-range-not-allowed';

export type NhsNumberCheck =
  | { ok: true; nhsNumber: NhsNumber }
  | { ok: false; problem: NhsNumberProblem; message: string };

const messages: Record<NhsNumberProblem, string> = {
  'not-ten-digits': 'NHS number must be 10 digits',
  'check-digit': 'NHS number is not valid: the check digit does not match (check for a mistyped digit)',
  'test-range-not-allowed':
    'NHS numbers starting 999 are test numbers and are accepted only in demo or test mode',
};

/**
 * Checks an NHS number as typed by a person: spaces and hyphens between digit groups are allowed.
 * Numbers in the 999 test range are accepted only when `allowTestRange` is set (demo and test mode).
 */
export function checkNhsNumber(input: string, options: { allowTestRange: boolean }): NhsNumberCheck {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return refuse('not-ten-digits');
  // The validator checks the modulus 11 digit only; a number of one repeated digit passes it but is never issued.
  if (!nhsNumberValidator.validate(digits) || /^(\d)\1{9}$/.test(digits)) return refuse('check-digit');
  if (digits.startsWith('999') && !options.allowTestRange) return refuse('test-range-not-allowed');
  return { ok: true, nhsNumber: digits as NhsNumber };
}

function refuse(problem: NhsNumberProblem): NhsNumberCheck {
  return { ok: false, problem, message: messages[problem] };
}

/** Shows an NHS number in the 3-3-4 form people read it in. */
export function formatNhsNumber(nhsNumber: string): string {
  return `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
}

/** The check digit for nine digits, or undefined when no valid number starts with them. */
export function nhsCheckDigit(firstNine: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}
