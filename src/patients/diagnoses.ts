/**
 * The coded list of diagnoses Jointly offers for children seen by a paediatric rheumatology service.
 *
 * Every code is a SNOMED CT concept id. `confirmed` is true only where the code and term were read in the
 * source named in `source`; every id also passes the Verhoeff check digit (see `hasValidSnomedCheckDigit`).
 */

export type DiagnosisGroup =
  | 'Juvenile idiopathic arthritis'
  | 'Systemic lupus erythematosus'
  | 'Juvenile dermatomyositis'
  | 'Vasculitis'
  | 'Scleroderma'
  | 'Uveitis'
  | 'Chronic pain'
  | 'Other';

export type IlarCategory =
  | 'Systemic arthritis'
  | 'Oligoarthritis, persistent'
  | 'Oligoarthritis, extended'
  | 'Polyarthritis, RF negative'
  | 'Polyarthritis, RF positive'
  | 'Psoriatic arthritis'
  | 'Enthesitis-related arthritis'
  | 'Undifferentiated arthritis';

export interface DiagnosisCode {
  /** SNOMED CT concept id */
  code: string;
  /** The concept's preferred term (UK edition where it differs) */
  term: string;
  group: DiagnosisGroup;
  /** For JIA: the ILAR category this concept stands for */
  ilarCategory?: IlarCategory;
  /** Where the code and term were checked (URL or document) */
  source: string;
  /** true only when the code and term were checked against a source you actually read */
  confirmed: boolean;
}

// Sources actually read while building this list (GitHub links are pinned to the commit that was read).
const SNOMED_EDITORIAL_GUIDE_RA =
  'https://docs.snomed.org/snomed-ct-specifications/snomed-ct-editorial-guide/readme/authoring/domain-specific-modeling/clinical-finding-and-disorder/clinical-finding-and-disorder-modeling/specific-clinical-finding-and-disorder-modeling/rheumatoid-arthritis';
const LOGICA_COVID_VALUESETS =
  'https://github.com/logicahealth/covid-19/blob/b2bfadba5e29b585e7b863e989d55215c2e96560/input/fsh/CV19-ValueSets.fsh (ValueSet COVID19UnderlyingImmuneConditionVS v0.2.0)';
const GM_SDE = 'https://github.com/UoM-Data-Science-Platforms/gm-sde/blob';
const GM_SDE_RA = `${GM_SDE}/e448e1f0fd902a296929674d98ea7adf2c0d789f/shared/clinical-code-sets/conditions/rheumatoid-arthritis/1/rheumatoid-arthritis.snomed.txt`;
const GM_SDE_SLE = `${GM_SDE}/8c749a46c981fc9ae94f8903aa5734d65abcb139/shared/clinical-code-sets/conditions/sle/1/sle.snomed.txt`;
const GM_SDE_FIBROMYALGIA = `${GM_SDE}/6007f209ec6b0c5361928ef5ef98fd3e262d0d93/shared/clinical-code-sets/conditions/fibromyalgia/1/fibromyalgia.snomed.txt`;
const GM_SDE_VASCULITIS = `${GM_SDE}/a2e1dce0ccba8613c45e45f28fce5da7fdec88b7/shared/clinical-code-sets/conditions/vasculitis/1/vasculitis.snomed.txt`;
const PEDSNET_SCLERODERMA =
  'https://github.com/PEDSnet/Variable-Dictionary/blob/164c9e588c3a52a6fcda9602dcd4a3300d3fdf53/conditions/dx_scleroderma.csv';
const PEDSNET_SJOGREN =
  'https://github.com/PEDSnet/Variable-Dictionary/blob/fad293ddce427bae984d859f2784ac768093fd2c/conditions/dx_2021_11_SjogrensSyndrome_V1.csv';
const OPENEYES_CVI_DISORDERS =
  'https://github.com/AppertaFoundation/openeyes/blob/429b57ace20c641c750e972291c4f8daab4e8a13/protected/modules/OphCoCvi/migrations/m191030_121158_new_diagnosis_columns_to_disorder_and_disorder.php';
const BE_EHEALTH_IMAGING_INDICATIONS =
  'https://www.ehealth.fgov.be/standards/fhir/terminology/ValueSet/be-vs-diagnostic-imaging-indication';
const MEDGEN_FMF = 'https://www.ncbi.nlm.nih.gov/medgen/C0031069/';
const healthAssure = (slug: string): string => `https://www.healthassure.in/codes/snomed_ct-${slug}`;
const UNADDRESSED =
  'Not confirmed: code and term seen only in public code whose repository address the search index did not give';

/**
 * ILAR categories with no SNOMED CT concept confirmed yet: persistent oligoarthritis, extended oligoarthritis
 * (410798004 is their common parent), enthesitis-related arthritis and undifferentiated arthritis. Add them here
 * only after checking the concept in a SNOMED CT browser; never guess an id.
 */
export const diagnosisCodes: readonly DiagnosisCode[] = [
  // Juvenile idiopathic arthritis
  {
    code: '410502007',
    term: 'Juvenile idiopathic arthritis',
    group: 'Juvenile idiopathic arthritis',
    source: `${SNOMED_EDITORIAL_GUIDE_RA} (410795001 |Juvenile rheumatoid arthritis| is inactive, replaced by 410502007); also ${LOGICA_COVID_VALUESETS}`,
    confirmed: true,
  },
  {
    code: '201796004',
    term: 'Systemic onset juvenile chronic arthritis',
    group: 'Juvenile idiopathic arthritis',
    ilarCategory: 'Systemic arthritis',
    source: `${UNADDRESSED} (an Australian PBS condition-to-SNOMED mapping table and a Databricks condition map). Check the preferred term and that it is active in the UK edition.`,
    confirmed: false,
  },
  {
    code: '410798004',
    term: 'Juvenile idiopathic arthritis, oligoarthritis',
    group: 'Juvenile idiopathic arthritis',
    source: healthAssure('410798004-juvenile-idiopathic-arthritis-oligoarthritis'),
    confirmed: true,
  },
  {
    code: '410797009',
    term: 'Juvenile seronegative polyarthritis',
    group: 'Juvenile idiopathic arthritis',
    ilarCategory: 'Polyarthritis, RF negative',
    source: healthAssure('410797009-juvenile-seronegative-polyarthritis'),
    confirmed: true,
  },
  {
    code: '410796000',
    term: 'Juvenile seropositive polyarthritis',
    group: 'Juvenile idiopathic arthritis',
    ilarCategory: 'Polyarthritis, RF positive',
    source: GM_SDE_RA,
    confirmed: true,
  },
  {
    code: '239802003',
    term: 'Juvenile psoriatic arthritis',
    group: 'Juvenile idiopathic arthritis',
    ilarCategory: 'Psoriatic arthritis',
    source: `${UNADDRESSED} (a Databricks condition map listing 239802003 'Juvenile psoriatic arthritis (disorder)').`,
    confirmed: false,
  },
  // Systemic lupus erythematosus
  {
    code: '55464009',
    term: 'Systemic lupus erythematosus',
    group: 'Systemic lupus erythematosus',
    source: `${LOGICA_COVID_VALUESETS}; also ${GM_SDE_SLE}`,
    confirmed: true,
  },
  {
    code: '403488004',
    term: 'Systemic lupus erythematosus of childhood',
    group: 'Systemic lupus erythematosus',
    source: GM_SDE_SLE,
    confirmed: true,
  },
  // Juvenile dermatomyositis: no juvenile-specific concept was confirmed, so the general concept is offered.
  {
    code: '396230008',
    term: 'Dermatomyositis',
    group: 'Juvenile dermatomyositis',
    source: LOGICA_COVID_VALUESETS,
    confirmed: true,
  },
  // Vasculitis
  {
    code: '191306005',
    term: 'Henoch-Schönlein purpura',
    group: 'Vasculitis',
    source: `${LOGICA_COVID_VALUESETS}; also ${GM_SDE_VASCULITIS}`,
    confirmed: true,
  },
  {
    code: '75053002',
    term: 'Acute febrile mucocutaneous lymph node syndrome',
    group: 'Vasculitis',
    source: LOGICA_COVID_VALUESETS,
    confirmed: true,
  },
  {
    code: '155441006',
    term: 'Polyarteritis nodosa',
    group: 'Vasculitis',
    source: LOGICA_COVID_VALUESETS,
    confirmed: true,
  },
  {
    code: '195353004',
    term: 'Granulomatosis with polyangiitis',
    group: 'Vasculitis',
    source: LOGICA_COVID_VALUESETS,
    confirmed: true,
  },
  {
    code: '359789008',
    term: "Takayasu's disease",
    group: 'Vasculitis',
    source: LOGICA_COVID_VALUESETS,
    confirmed: true,
  },
  {
    code: '310701003',
    term: "Behcet's syndrome",
    group: 'Vasculitis',
    source: LOGICA_COVID_VALUESETS,
    confirmed: true,
  },
  // Scleroderma
  {
    code: '201048007',
    term: 'Localized scleroderma',
    group: 'Scleroderma',
    source: PEDSNET_SCLERODERMA,
    confirmed: true,
  },
  {
    code: '89155008',
    term: 'Systemic sclerosis',
    group: 'Scleroderma',
    source: `${LOGICA_COVID_VALUESETS}; also ${PEDSNET_SCLERODERMA}`,
    confirmed: true,
  },
  {
    code: '724603009',
    term: 'Pediatric onset systemic sclerosis',
    group: 'Scleroderma',
    source: PEDSNET_SCLERODERMA,
    confirmed: true,
  },
  // Uveitis
  {
    code: '128473001',
    term: 'Uveitis',
    group: 'Uveitis',
    source: OPENEYES_CVI_DISORDERS,
    confirmed: true,
  },
  // Chronic pain
  {
    code: '128200000',
    term: 'Complex regional pain syndrome',
    group: 'Chronic pain',
    source: BE_EHEALTH_IMAGING_INDICATIONS,
    confirmed: true,
  },
  {
    code: '203082005',
    term: 'Fibromyalgia',
    group: 'Chronic pain',
    source: GM_SDE_FIBROMYALGIA,
    confirmed: true,
  },
  // Other
  {
    code: '83901003',
    term: "Sjögren's syndrome",
    group: 'Other',
    source: PEDSNET_SJOGREN,
    confirmed: true,
  },
  {
    code: '12579009',
    term: 'Familial Mediterranean fever',
    group: 'Other',
    source: MEDGEN_FMF,
    confirmed: true,
  },
];

const byCode = new Map(diagnosisCodes.map((diagnosis) => [diagnosis.code, diagnosis]));

export function findDiagnosis(code: string): DiagnosisCode | undefined {
  return byCode.get(code.trim());
}

// Verhoeff check digit tables (dihedral group D5 multiplication and position permutation).
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
] as const;
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
] as const;

/**
 * True when `id` has the shape of a SNOMED CT concept id (6 to 18 digits, no leading zero, partition
 * identifier 00 or 10 for a concept) and its last digit is a valid Verhoeff check digit.
 */
export function hasValidSnomedCheckDigit(id: string): boolean {
  if (!/^[1-9]\d{5,17}$/.test(id)) return false;
  const partition = id.slice(-3, -1);
  if (partition !== '00' && partition !== '10') return false;
  let check = 0;
  const digits = [...id].reverse();
  for (let i = 0; i < digits.length; i++) {
    check = VERHOEFF_D[check]![VERHOEFF_P[i % 8]![Number(digits[i])]!]!;
  }
  return check === 0;
}
