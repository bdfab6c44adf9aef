import type { Analyte } from '../protocols/protocol.schema.ts';

export const LOINC_SYSTEM = 'http://loinc.org';

/**
 * LOINC codes for each analyte Jointly monitors: the first is the one Jointly writes (FHIR Observation.code);
 * all of them are read when a laboratory sends them. Codes for the same test in other units (mass or moles) are
 * listed too, because the unit travels with the value and is converted. The service administrator can add
 * local laboratory codes in the laboratory code map; a code not known here or there is never guessed.
 */
export const loincCodes: Record<Analyte, readonly { code: string; display: string }[]> = {
  haemoglobin: [{ code: '718-7', display: 'Hemoglobin [Mass/volume] in Blood' }],
  white_cell_count: [{ code: '6690-2', display: 'Leukocytes [#/volume] in Blood by Automated count' }],
  neutrophils: [{ code: '751-8', display: 'Neutrophils [#/volume] in Blood by Automated count' }],
  lymphocytes: [{ code: '731-0', display: 'Lymphocytes [#/volume] in Blood by Automated count' }],
  platelets: [{ code: '777-3', display: 'Platelets [#/volume] in Blood by Automated count' }],
  eosinophils: [{ code: '711-2', display: 'Eosinophils [#/volume] in Blood by Automated count' }],
  mcv: [{ code: '787-2', display: 'MCV [Entitic volume] by Automated count' }],
  alt: [
    { code: '1742-6', display: 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma' },
  ],
  ast: [
    { code: '1920-8', display: 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma' },
  ],
  alkaline_phosphatase: [
    { code: '6768-6', display: 'Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma' },
  ],
  albumin: [{ code: '1751-7', display: 'Albumin [Mass/volume] in Serum or Plasma' }],
  bilirubin: [
    { code: '14631-6', display: 'Bilirubin.total [Moles/volume] in Serum or Plasma' },
    { code: '1975-2', display: 'Bilirubin.total [Mass/volume] in Serum or Plasma' },
  ],
  creatinine: [
    { code: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma' },
    { code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' },
  ],
  egfr: [
    {
      code: '62238-1',
      display:
        'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)',
    },
    {
      code: '33914-3',
      display:
        'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)',
    },
    {
      code: '98979-8',
      display:
        'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI 2021)',
    },
  ],
  urea: [
    { code: '22664-7', display: 'Urea [Moles/volume] in Serum or Plasma' },
    { code: '3094-0', display: 'Urea nitrogen [Mass/volume] in Serum or Plasma' },
  ],
  potassium: [{ code: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma' }],
  sodium: [{ code: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma' }],
  crp: [{ code: '1988-5', display: 'C reactive protein [Mass/volume] in Serum or Plasma' }],
  esr: [
    { code: '4537-7', display: 'Erythrocyte sedimentation rate by Westergren method' },
    { code: '30341-2', display: 'Erythrocyte sedimentation rate' },
  ],
  cholesterol: [
    { code: '14647-2', display: 'Cholesterol [Moles/volume] in Serum or Plasma' },
    { code: '2093-3', display: 'Cholesterol [Mass/volume] in Serum or Plasma' },
  ],
};

const analyteByLoinc = new Map<string, Analyte>(
  Object.entries(loincCodes).flatMap(([analyte, codes]) =>
    codes.map((c) => [c.code, analyte as Analyte] as const),
  ),
);

export function analyteForLoinc(code: string): Analyte | undefined {
  return analyteByLoinc.get(code.trim());
}

export function loincFor(analyte: Analyte): { code: string; display: string } {
  return loincCodes[analyte][0]!;
}
