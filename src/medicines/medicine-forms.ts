import type { FieldProblem } from '../kernel/errors.ts';
import { dateFromForm, dateIntoForm, type FormValues } from '../patients/forms.ts';
import type { Protocol } from '../protocols/protocol.schema.ts';
import { describeProtocolFrequency, type Preparation } from './order.rules.ts';

/** How the medicines web forms lay out what the API takes as separate fields, and back. */

const productSeparator = '|';

export function productValue(p: Preparation): string {
  return [p.medicine, p.form, p.route, p.strengthMg].join(productSeparator);
}

export function productLabel(p: Preparation): string {
  return `${p.strengthMg} mg ${p.form} (${p.route})`;
}

/** The web form's one "form and strength" choice, as the separate fields the API takes. */
export function startInputFromForm(form: FormValues): Record<string, unknown> {
  const [medicine, dosageForm, route, strengthMg] =
    typeof form.product === 'string' ? form.product.split(productSeparator) : [];
  return {
    ...form,
    medicine,
    form: dosageForm,
    route,
    strengthMg,
    startDate: dateFromForm(form, 'startDate'),
  };
}

/** Problems with fields the web form shows as one choice are shown against that choice. */
export function onWebForm(fields: FieldProblem[]): FieldProblem[] {
  const shownAs: Record<string, string> = {
    medicine: 'product',
    form: 'product',
    route: 'product',
    strengthMg: 'product',
    protocolVersionId: 'protocolId',
  };
  return fields.map((f) => ({ ...f, field: shownAs[f.field] ?? f.field }));
}

export function scheduleView(protocol: Protocol) {
  const frequency = protocol.dosing.frequency;
  return {
    kind: frequency.kind,
    words: describeProtocolFrequency(frequency),
    timesPerDay: frequency.kind === 'daily' ? frequency.timesPerDay.value : undefined,
    everyNDays: frequency.kind === 'every-n-days' ? frequency.days.value : undefined,
    /** The protocol's folic acid advice, when it gives any: the form then offers a folic acid day. */
    folicAcid: protocol.folicAcid?.advice,
  };
}

/** The date typed into the three boxes, once the "work out the dose" form has been sent. */
export function chosenDate(query: FormValues, fields: FieldProblem[], enter: string): string | undefined {
  const date = dateFromForm(query, 'startDate');
  if (date === undefined && Object.keys(query).length > 0)
    fields.push({ field: 'startDate', message: enter });
  return date;
}

/** One problem per field, the first found: a page can get the same one from its query and from the refusal. */
export function onePerField(fields: FieldProblem[]): FieldProblem[] {
  return fields.filter((f, i) => fields.findIndex((g) => g.field === f.field) === i);
}

/** The boxes of the "work out the dose" form, filled in again with the date as chosen. */
export function choiceShown(choice: FormValues, startDate: string | undefined): FormValues {
  return typeof choice.startDate === 'string'
    ? { ...choice, ...dateIntoForm('startDate', startDate) }
    : choice;
}
