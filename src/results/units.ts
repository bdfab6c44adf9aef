import type { Analyte } from '../protocols/protocol.schema.ts';

/**
 * The one unit Jointly keeps each blood test in, the other units laboratories and UCUM write it in, and the
 * values no living child can have. Data only: `units.rules.ts` reads it.
 *
 * Spellings are matched ignoring case, spaces, a leading ×, ^ and * (10^9, 10*9), superscripts (10⁹, m²)
 * and which micro sign is used (µ, μ or u), so each spelling below stands for all of those variants.
 */

export interface UnitConversion {
  spellings: readonly string[];
  /** Multiply a value in these units by this to get the canonical unit. */
  factor: number;
  /** Why the factor is what it is (a molar mass, a definition). */
  source: string;
}

/** Values outside [min, max] in the canonical unit cannot be a real result: a typo or a wrong unit. */
export interface PlausibleLimits {
  min: number;
  max: number;
  /** Added to the message below `min`, when a unit mix-up is the likely cause. */
  belowHint?: string;
  source: string;
}

export interface AnalyteUnits {
  canonical: string;
  conversions: readonly UnitConversion[];
  plausible: PlausibleLimits;
}

const same = 'Same quantity, another spelling';

const cellCount: readonly UnitConversion[] = [
  { spellings: ['×10⁹/L', '10^9/L', 'x10^9/L', '10*9/L', '10e9/L'], factor: 1, source: same },
  { spellings: ['/nL'], factor: 1, source: '1 per nL = 10⁹ per L' },
  {
    spellings: ['10^3/uL', 'x10^3/uL', '10*3/uL', 'K/uL'],
    factor: 1,
    source: '10³ per µL = 10³ × 10⁶ per L = 10⁹ per L',
  },
];

const enzyme: readonly UnitConversion[] = [
  { spellings: ['U/L', 'IU/L'], factor: 1, source: 'International unit (IU) = U = 1 µmol/min' },
  { spellings: ['ukat/L'], factor: 60, source: '1 µkat = 1 µmol/s = 60 µmol/min = 60 U' },
];

const gramsPerLitre: readonly UnitConversion[] = [
  { spellings: ['g/L'], factor: 1, source: same },
  { spellings: ['g/dL'], factor: 10, source: '1 dL = 0.1 L' },
];

const monovalentIon: readonly UnitConversion[] = [
  { spellings: ['mmol/L'], factor: 1, source: same },
  { spellings: ['mEq/L'], factor: 1, source: 'A monovalent ion: 1 mEq = 1 mmol' },
];

const plausibility =
  'Jointly plausibility limit (not a clinical threshold): beyond any value reported in a living patient';

const whiteCells = (name: string): AnalyteUnits => ({
  canonical: '×10⁹/L',
  conversions: cellCount,
  plausible: {
    min: 0,
    max: 1000,
    source: `${plausibility}; ${name} above 1000 ×10⁹/L is a unit or typing error`,
  },
});

export const resultUnits: Record<Analyte, AnalyteUnits> = {
  white_cell_count: whiteCells('white cells'),
  neutrophils: whiteCells('neutrophils'),
  lymphocytes: whiteCells('lymphocytes'),
  eosinophils: whiteCells('eosinophils'),
  platelets: {
    canonical: '×10⁹/L',
    conversions: cellCount,
    plausible: { min: 0, max: 5000, source: `${plausibility} (extreme thrombocytosis is under 5000 ×10⁹/L)` },
  },
  haemoglobin: {
    canonical: 'g/L',
    conversions: gramsPerLitre,
    plausible: {
      min: 20,
      max: 300,
      belowHint: 'was it reported in g/dL?',
      source: `${plausibility}; below 20 g/L is almost always a value in g/dL`,
    },
  },
  mcv: {
    canonical: 'fL',
    conversions: [
      { spellings: ['fL'], factor: 1, source: same },
      { spellings: ['um3'], factor: 1, source: '1 fL = 1 µm³' },
    ],
    plausible: { min: 40, max: 200, source: plausibility },
  },
  alt: { canonical: 'U/L', conversions: enzyme, plausible: { min: 0, max: 50_000, source: plausibility } },
  ast: { canonical: 'U/L', conversions: enzyme, plausible: { min: 0, max: 50_000, source: plausibility } },
  alkaline_phosphatase: {
    canonical: 'U/L',
    conversions: enzyme,
    plausible: {
      min: 0,
      max: 100_000,
      source: `${plausibility} (transient hyperphosphatasaemia of childhood reaches tens of thousands)`,
    },
  },
  albumin: {
    canonical: 'g/L',
    conversions: gramsPerLitre,
    plausible: {
      min: 5,
      max: 100,
      belowHint: 'was it reported in g/dL?',
      source: `${plausibility}; below 5 g/L is almost always a value in g/dL`,
    },
  },
  bilirubin: {
    canonical: 'µmol/L',
    conversions: [
      { spellings: ['µmol/L', 'umol/L'], factor: 1, source: same },
      {
        spellings: ['mg/dL'],
        factor: 17.1,
        source: 'Bilirubin 584.66 g/mol: 10 mg/L ÷ 584.66 = 17.1 µmol/L',
      },
    ],
    plausible: { min: 0, max: 2000, source: plausibility },
  },
  creatinine: {
    canonical: 'µmol/L',
    conversions: [
      { spellings: ['µmol/L', 'umol/L'], factor: 1, source: same },
      {
        spellings: ['mg/dL'],
        factor: 88.4,
        source: 'Creatinine 113.12 g/mol: 10 mg/L ÷ 113.12 = 88.4 µmol/L',
      },
    ],
    plausible: { min: 0, max: 4000, source: plausibility },
  },
  egfr: {
    canonical: 'mL/min/1.73m²',
    conversions: [
      { spellings: ['mL/min/1.73m²', 'mL/min/1.73m2', 'mL/min/{1.73_m2}'], factor: 1, source: same },
    ],
    plausible: { min: 0, max: 400, source: plausibility },
  },
  urea: {
    canonical: 'mmol/L',
    conversions: [
      { spellings: ['mmol/L'], factor: 1, source: same },
      {
        // Plain mg/dL is refused: US laboratories mean urea nitrogen (×0.357), German ones urea itself (×0.1665).
        spellings: ['mg/dL BUN', 'mg/dL (BUN)'],
        factor: 0.357,
        source: 'Blood urea nitrogen (BUN): 2 N = 28.014 g/mol per urea, 10 mg/L ÷ 28.014 = 0.357 mmol/L',
      },
    ],
    plausible: { min: 0, max: 200, source: plausibility },
  },
  potassium: {
    canonical: 'mmol/L',
    conversions: monovalentIon,
    plausible: { min: 0.5, max: 25, source: `${plausibility} (haemolysed samples included)` },
  },
  sodium: {
    canonical: 'mmol/L',
    conversions: monovalentIon,
    plausible: { min: 80, max: 200, source: plausibility },
  },
  crp: {
    canonical: 'mg/L',
    conversions: [
      { spellings: ['mg/L'], factor: 1, source: same },
      { spellings: ['ug/mL'], factor: 1, source: '1 µg/mL = 1 mg/L' },
      { spellings: ['mg/dL'], factor: 10, source: '1 dL = 0.1 L' },
    ],
    plausible: { min: 0, max: 1000, source: plausibility },
  },
  esr: {
    canonical: 'mm/h',
    conversions: [{ spellings: ['mm/h', 'mm/hr', 'mm/hour'], factor: 1, source: same }],
    plausible: { min: 0, max: 200, source: 'The Westergren tube is 200 mm long: no ESR can exceed 200 mm/h' },
  },
  cholesterol: {
    canonical: 'mmol/L',
    conversions: [
      { spellings: ['mmol/L'], factor: 1, source: same },
      {
        spellings: ['mg/dL'],
        factor: 0.02586,
        source: 'Cholesterol 386.65 g/mol: 10 mg/L ÷ 386.65 = 0.02586 mmol/L',
      },
    ],
    plausible: { min: 0, max: 100, source: plausibility },
  },
};
