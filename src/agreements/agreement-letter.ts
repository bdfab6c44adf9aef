import PDFDocument from 'pdfkit';
import type { Asker } from '../access/patient-access.ts';
import type { Database } from '../db/database.ts';
import { medicineTitle } from '../medicines/order.rules.ts';
import { type LetterContent, requestLetter } from './agreement-letter.rules.ts';
import { loadAgreementView } from './agreement-view.ts';

/** The request letter for one agreement, as a PDF, after the access check (which audits the download). */
export async function loadRequestLetterPdf(
  db: Database,
  asker: Asker,
  patientId: string,
  agreementId: string,
  options: { compress?: boolean } = {},
): Promise<{ pdf: Buffer; fileName: string }> {
  const view = await loadAgreementView(
    db,
    asker,
    patientId,
    agreementId,
    'download shared care request letter',
  );
  const { agreement, patient } = view;
  const content = requestLetter({
    today: asker.today,
    specialistCentre: agreement.specialistOrganisationName,
    gpPractice: { name: agreement.gpPracticeName, code: agreement.gpPracticeCode },
    child: patient,
    state: agreement.state,
    requestedOn: agreement.requestedOn,
    responseDueOn: agreement.responseDueOn,
    transferDate: agreement.transferDate,
    protocol: view.version.protocol,
    doses: view.orders.map((o) => `${medicineTitle(o.medicine)}: ${o.description}`),
    firstDoseStarted: view.orders[0]?.startDate ?? null,
    answerPath: `/patients/${patientId}/agreements/${agreementId}`,
  });
  return {
    pdf: await renderPdf(content, options.compress ?? true),
    fileName: `shared-care-request-${agreement.protocolId}.pdf`,
  };
}

const beyondLatin1 = new Set('‘’“”–—•…€');
const spelt: Record<string, string> = { '≥': '>=', '≤': '<=', '→': '->' };

/** The standard PDF fonts cover Windows-1252 only: anything else is spelt out, or marked, rather than lost. */
function printable(text: string): string {
  return [...text]
    .map((c) => (c.codePointAt(0)! <= 0xff || beyondLatin1.has(c) ? c : (spelt[c] ?? '?')))
    .join('');
}

export function renderPdf(letter: LetterContent, compress: boolean): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    compress,
    info: { Title: printable(letter.title), Author: printable(letter.letterhead) },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).text(printable(letter.letterhead));
  doc.font('Helvetica').fontSize(10).text('Paediatric rheumatology shared care').moveDown();
  doc.fontSize(11).text(printable(letter.dateLine)).moveDown(0.5);
  doc.text(printable(letter.to));
  doc.font('Helvetica-Bold').text(printable(letter.about)).moveDown();
  if (letter.draftMark)
    doc.fillColor('#d5281b').text(printable(letter.draftMark)).fillColor('black').moveDown();
  doc.font('Helvetica-Bold').fontSize(13).text(printable(letter.title)).moveDown(0.5);
  for (const section of letter.sections) {
    doc.font('Helvetica-Bold').fontSize(11).text(printable(section.heading)).moveDown(0.25);
    doc.font('Helvetica').fontSize(11);
    for (const paragraph of section.paragraphs) doc.text(printable(paragraph)).moveDown(0.25);
    if (section.bullets.length) doc.list(section.bullets.map(printable), { bulletRadius: 2 });
    doc.moveDown(0.75);
  }
  doc.font('Helvetica-Oblique').fontSize(9).text(printable(letter.footnote));
  doc.end();
  return done;
}
