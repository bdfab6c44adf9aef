declare module 'nhs-number-validator' {
  /** True when the 10 digits pass the NHS modulus 11 check. */
  export function validate(nhsNumber: string | number): boolean;
  const nhsNumberValidator: { validate: typeof validate };
  export default nhsNumberValidator;
}
