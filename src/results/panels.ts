import type { Analyte, Panel } from '../protocols/protocol.schema.ts';

/** The analytes each blood test panel reports, as laboratories group them on a request form. */
export const panelAnalytes: Record<Panel, readonly Analyte[]> = {
  FBC: ['haemoglobin', 'white_cell_count', 'neutrophils', 'lymphocytes', 'platelets', 'eosinophils', 'mcv'],
  LFT: ['alt', 'ast', 'alkaline_phosphatase', 'albumin', 'bilirubin'],
  'U&E': ['creatinine', 'egfr', 'urea', 'potassium', 'sodium'],
  CRP: ['crp'],
  ESR: ['esr'],
  lipids: ['cholesterol'],
};

const panelByAnalyte = new Map<Analyte, Panel>(
  Object.entries(panelAnalytes).flatMap(([panel, list]) => list.map((a) => [a, panel as Panel] as const)),
);

/** The panel an analyte belongs to: a result for any of its analytes counts as that panel taken. */
export function panelOf(analyte: Analyte): Panel {
  const panel = panelByAnalyte.get(analyte);
  if (!panel) throw new Error(`No panel reports ${analyte}`);
  return panel;
}

/** The tests' names as the pages say them, kept with the protocol wording. */
export { analyteNames } from '../protocols/protocol-words.rules.ts';
