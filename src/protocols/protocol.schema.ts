import { z } from 'zod';
import { isPlainDate } from '../kernel/dates.ts';

/**
 * A shared care protocol as data: one file per medicine and indication, schema-checked, versioned and
 * approved. Every number carries where it came from and whether that source confirms it; the pages show
 * unconfirmed numbers as "awaiting local confirmation". Code interprets these files; it holds no clinical
 * numbers of its own.
 */

/** Where a rule comes from: a section of the clinical reference, or a URL; and whether the source confirms it. */
const sayWhere = 'Say where this comes from (a reference section or a URL)';
const provenance = {
  source: z.string({ message: sayWhere }).trim().min(3, sayWhere),
  confirmed: z.boolean({ message: 'Say whether the source confirms this (true or false)' }),
};

/** A number with its provenance. The only place a number may appear in a protocol. */
export const sourcedNumber = z
  .object(
    { value: z.number().finite(), ...provenance },
    {
      message:
        'Write each number with its source: { "value": 25, "source": "REFERENCE.md §1.1", "confirmed": true }',
    },
  )
  .strict();
export type SourcedNumber = z.infer<typeof sourcedNumber>;

const positive = sourcedNumber.refine((n) => n.value > 0, {
  message: 'Must be more than zero',
  path: ['value'],
});
const wholeDays = sourcedNumber.refine((n) => Number.isInteger(n.value) && n.value >= 0, {
  message: 'Must be a whole number of days or weeks, zero or more',
  path: ['value'],
});

const plainDate = z.string().refine(isPlainDate, 'Must be a date written YYYY-MM-DD');
const sentence = z.string().trim().min(3);

/** The blood tests (analytes) protocols monitor, named as the results capability names them. */
export const analytes = [
  'haemoglobin',
  'white_cell_count',
  'neutrophils',
  'lymphocytes',
  'platelets',
  'eosinophils',
  'mcv',
  'alt',
  'ast',
  'alkaline_phosphatase',
  'albumin',
  'bilirubin',
  'creatinine',
  'egfr',
  'urea',
  'potassium',
  'sodium',
  'crp',
  'esr',
  'cholesterol',
] as const;
export type Analyte = (typeof analytes)[number];

/** Blood test panels as requested on a form: each is a set of analytes. */
export const panels = ['FBC', 'LFT', 'U&E', 'CRP', 'ESR', 'lipids'] as const;
export type Panel = (typeof panels)[number];

export const routes = ['oral', 'subcutaneous', 'intravenous'] as const;
export const forms = [
  'tablet',
  'capsule',
  'oral solution',
  'oral suspension',
  'prefilled syringe',
  'prefilled pen',
  'vial for infusion',
  'vial for injection',
] as const;

const medicine = z
  .object({
    name: z.string().trim().min(2),
    forms: z
      .array(
        z
          .object({
            form: z.enum(forms),
            route: z.enum(routes),
            /** Strengths that can be prescribed, in mg (per tablet, per mL, per syringe…). */
            strengthsMg: z.array(positive).min(1),
            /** mL per unit for liquids and injections, when the strength is per mL. */
            perMl: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const frequency = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('once-weekly') }).strict(),
  z.object({ kind: z.literal('daily'), timesPerDay: positive }).strict(),
  z.object({ kind: z.literal('every-n-days'), days: positive }).strict(),
]);

const commonDosing = {
  /**
   * The most a patient may have per period (`per`: a week, a day or one dose), whatever their size;
   * above it needs a consultant's override.
   */
  maximumMg: positive,
  frequency,
  routes: z.array(z.enum(routes)).min(1),
  /** Calculated doses are rounded to a multiple of this (usually the smallest strength). */
  roundToMg: positive,
  /** The weight and height used must have been measured within this many days. */
  measurementMaxAgeDays: wholeDays,
  notes: z.array(sentence).default([]),
};

const dosing = z.discriminatedUnion('basis', [
  /** A range per m² of body surface area or per kg of weight. */
  z
    .object({
      basis: z.enum(['per-m2', 'per-kg']),
      /** The period each calculated amount covers: a week's dose, a day's, or one dose. */
      per: z.enum(['week', 'day', 'dose']),
      rangeMin: positive,
      rangeMax: positive,
      ...commonDosing,
    })
    .strict(),
  /** A dose fixed by weight band (e.g. biologics): the band the child's weight falls in sets the dose. */
  z
    .object({
      basis: z.literal('weight-band'),
      per: z.literal('dose'),
      bands: z
        .array(
          z
            .object({
              fromKg: sourcedNumber,
              /** The band ends below this weight; null for the top band. */
              belowKg: sourcedNumber.nullable(),
              doseMg: positive.optional(),
              mgPerKg: positive.optional(),
            })
            .strict()
            .refine((b) => (b.doseMg === undefined) !== (b.mgPerKg === undefined), {
              message: 'Give either a fixed dose (doseMg) or a dose per kg (mgPerKg) for each band',
            }),
        )
        .min(1),
      ...commonDosing,
    })
    .strict(),
]);

const phaseEnd = z.discriminatedUnion('kind', [
  /** Until the dose has not changed for this many weeks. */
  z.object({ kind: z.literal('dose-stable-for-weeks'), weeks: wholeDays }).strict(),
  /** For this many weeks after the phase starts. */
  z.object({ kind: z.literal('for-weeks'), weeks: wholeDays }).strict(),
  z.object({ kind: z.literal('ongoing') }).strict(),
]);

const monitoring = z
  .object({
    baselineTests: z.array(sentence),
    /** In order; blood monitoring stops when the last phase ends. None: no routine blood monitoring. */
    phases: z.array(
      z
        .object({
          name: sentence,
          panels: z.array(z.enum(panels)).min(1),
          intervalDays: positive,
          until: phaseEnd,
          ...provenance,
        })
        .strict(),
    ),
    /** After a dose increase the schedule starts again from the first phase, then resumes. */
    restartOnDoseIncrease: z.boolean(),
    overdue: z
      .object({
        familyReminderDaysBefore: wholeDays,
        practiceTaskDaysAfter: wholeDays,
        teamAlertDaysAfter: wholeDays,
        withholdAdviceDaysAfter: wholeDays,
      })
      .strict(),
    otherChecks: z.array(sentence).default([]),
    /**
     * A red result nobody has decided about is escalated to the specialist team's consultant at the end of
     * this many working days. Versions written before this rule existed escalate at the end of the same day.
     */
    redResultEscalation: z
      .object({ workingDays: wholeDays, ...provenance })
      .strict()
      .optional(),
  })
  .strict();

const thresholdRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('below'), value: sourcedNumber }).strict(),
  z.object({ kind: z.literal('above'), value: sourcedNumber }).strict(),
  /** Above a multiple of the upper limit of normal, optionally only up to an absolute value. */
  z
    .object({ kind: z.literal('above-uln-multiple'), multiple: positive, upTo: sourcedNumber.optional() })
    .strict(),
  /** A rise of more than this percentage over the patient's own lowest value in the period. */
  z.object({ kind: z.literal('rise-from-baseline'), percent: positive, overMonths: positive }).strict(),
  /** This many falls in a row. */
  z.object({ kind: z.literal('consecutive-falls'), count: positive }).strict(),
]);

const threshold = z
  .object({
    analyte: z.enum(analytes),
    rule: thresholdRule,
    outcome: z.enum(['red', 'amber']),
    /** What to do, in the protocol's own words. */
    action: sentence,
    repeatWithinDays: wholeDays.optional(),
    ...provenance,
  })
  .strict();

export const protocolSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lower-case words joined by hyphens'),
    version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'Use a version like 1.0 or 1.2.3'),
    title: sentence,
    medicines: z.array(medicine).min(1),
    indications: z.array(sentence).min(1),
    /** Amber: shared care with primary care. Red: the specialist team prescribes; the GP sees and monitors. */
    trafficLight: z.enum(['amber', 'red']),
    effectiveDate: plainDate,
    reviewDate: plainDate,
    approvedBy: z.object({ name: sentence, role: sentence }).strict(),
    transfer: z
      .object({
        doseStableWeeks: wholeDays,
        specialistSuppliesWeeks: wholeDays,
        criteria: z.array(sentence).min(1),
      })
      .strict()
      .nullable(),
    gpResponse: z
      .object({
        windowDays: positive,
        reminderDay: positive,
        /** What happens when the window passes with no answer. */
        whenNoAnswer: z.enum(['specialist-keeps-responsibility', 'accepted-unless-declined']),
        ...provenance,
      })
      .strict()
      .nullable(),
    responsibilities: z
      .object({
        specialistTeam: z.array(sentence).min(1),
        primaryCarePrescriber: z.array(sentence).min(1),
        family: z.array(sentence).min(1),
      })
      .strict(),
    dosing,
    folicAcid: z
      .object({ advice: sentence, ...provenance })
      .strict()
      .nullable(),
    monitoring,
    thresholds: z.array(threshold),
    vaccines: z.object({ advice: z.array(sentence).min(1), ...provenance }).strict(),
    informationSheets: z
      .array(
        z
          .object({
            title: sentence,
            audience: z.enum(['professional', 'parent', 'young-person']),
            source: z.string().trim().min(3),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((p, ctx) => {
    // NPSA: methotrexate for non-cancer use is given once a week; a daily dose is a Never Event.
    if (p.medicines.some((m) => /methotrexate/i.test(m.name)) && p.dosing.frequency.kind !== 'once-weekly') {
      ctx.addIssue({
        code: 'custom',
        path: ['dosing', 'frequency'],
        message: 'Methotrexate must be once weekly (NPSA safety alert; REFERENCE.md §1.5)',
      });
    }
    if (p.dosing.basis !== 'weight-band' && p.dosing.rangeMin.value > p.dosing.rangeMax.value) {
      ctx.addIssue({
        code: 'custom',
        path: ['dosing', 'rangeMin', 'value'],
        message: 'The lowest dose must not be above the highest',
      });
    }
    if (p.reviewDate <= p.effectiveDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['reviewDate'],
        message: 'The review date must be after the effective date',
      });
    }
    if (p.trafficLight === 'amber' && (!p.transfer || !p.gpResponse)) {
      ctx.addIssue({
        code: 'custom',
        path: ['transfer'],
        message: 'An amber (shared care) protocol needs transfer criteria and a GP response window',
      });
    }
    if (p.gpResponse && p.gpResponse.reminderDay.value >= p.gpResponse.windowDays.value) {
      ctx.addIssue({
        code: 'custom',
        path: ['gpResponse', 'reminderDay', 'value'],
        message: 'The reminder must come before the response window ends',
      });
    }
  });

export type Protocol = z.infer<typeof protocolSchema>;
export type ProtocolInput = z.input<typeof protocolSchema>;

/** A problem in a protocol file, at a path a reviewer can find (e.g. "dosing.rangeMax.source"). */
export interface ProtocolProblem {
  path: string;
  message: string;
}

export function checkProtocol(
  data: unknown,
): { ok: true; protocol: Protocol } | { ok: false; problems: ProtocolProblem[] } {
  const parsed = protocolSchema.safeParse(data);
  if (parsed.success) return { ok: true, protocol: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({
      path: i.path.join('.') || '(the whole file)',
      message: i.message,
    })),
  };
}
