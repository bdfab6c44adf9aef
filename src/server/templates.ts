import type { Environment } from 'nunjucks';
import { ageOn, describeAge, formatDate, type PlainDate } from '../kernel/dates.ts';
import { formatNhsNumber } from '../kernel/nhs-number.ts';
import { type OrganisationKind, organisationKindLabels, type Role, roleLabels } from '../kernel/roles.ts';
import { navigationFor } from '../web/navigation.ts';

/** Filters the templates use to show values the way clinicians read them. */
export function configureTemplates(env: Environment): void {
  env.addFilter('navigationFor', navigationFor);
  env.addFilter('date', (value: string | Date | null | undefined) => {
    if (!value) return '';
    return formatDate(value instanceof Date ? value.toISOString() : value);
  });
  env.addFilter('dateTime', (value: Date | string | null | undefined) => {
    if (!value) return '';
    return new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Europe/London',
    }).format(new Date(value));
  });
  env.addFilter('nhsNumber', (value: string | null | undefined) => (value ? formatNhsNumber(value) : ''));
  env.addFilter('age', (dateOfBirth: string, today: string) =>
    describeAge(ageOn(dateOfBirth as PlainDate, today as PlainDate)),
  );
  env.addFilter('roleLabel', (role: string) => roleLabels[role as Role] ?? role);
  env.addFilter(
    'organisationKindLabel',
    (kind: string) => organisationKindLabels[kind as OrganisationKind] ?? kind,
  );
  env.addFilter('humanise', (value: string | null | undefined) => {
    if (!value) return '';
    const words = value.replaceAll('_', ' ').replaceAll('-', ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  });
  /** The error message for one field, from a list of {field, message}. */
  env.addFilter('fieldError', (fields: { field: string; message: string }[] | undefined, name: string) => {
    const problem = fields?.find((f) => f.field === name);
    return problem ? { text: problem.message } : undefined;
  });
  env.addFilter('errorSummary', (fields: { field: string; message: string }[] | undefined) =>
    (fields ?? []).map((f) => ({ text: f.message, href: `#${f.field.replaceAll('.', '-')}` })),
  );
}
