import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isUuid } from '../access/patient-access.ts';
import { type FieldProblem, JointlyError } from '../kernel/errors.ts';
import { askerFrom, dateFromForm, type FormValues, isFormRefusal, postedForm } from '../patients/forms.ts';
import { type Panel, panels } from '../protocols/protocol.schema.ts';
import type { AppDeps } from '../server/context.ts';
import { acknowledgeResult, decisionWords } from './acknowledge.ts';
import { alertDecisions, findAlert } from './alerts.store.ts';
import {
  type CheckedCsvRow,
  checkCsvRows,
  MAX_CSV_ROWS,
  readResultsCsv,
  rowsFromPreview,
} from './csv-import.rules.ts';
import { type RecordedResults, recordResults } from './record-results.ts';
import { asPanel, panelInput, panelLabels, panelRows, problemsOnForm } from './result-forms.rules.ts';
import { resultsApiRoutes } from './results-api.routes.ts';
import { loadResultsPage, openResultsForm, recordedFromQuery } from './results-pages.ts';
import { outcomeRank } from './thresholds.rules.ts';

const patientParams = z.object({ id: z.string() });
const alertParams = patientParams.extend({ alertId: z.string() });
const web = { hide: true };
const maxFileBytes = 512 * 1024;

const panelLinks = (patientId: string) =>
  panels.map((p) => ({
    text: panelLabels[p],
    href: `/patients/${patientId}/results/new?panel=${encodeURIComponent(p)}`,
  }));

/** Where to go once results are stored: the child's results, with a banner listing what was found (worst first). */
function afterRecording(patientId: string, recorded: RecordedResults): string {
  const listed = [...recorded.results]
    .sort((a, b) => outcomeRank[b.outcome] - outcomeRank[a.outcome])
    .slice(0, 50)
    .map((r) => r.id);
  return `/patients/${patientId}/results?recorded=${listed.join(',')}&count=${recorded.results.length}#recorded`;
}

async function showResultsPage(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  refused?: { alertId: string; form: FormValues; fields: FieldProblem[]; status: number },
) {
  const query = (request.query ?? {}) as FormValues;
  const page = await loadResultsPage(
    deps.db,
    askerFrom(request),
    patientId,
    recordedFromQuery(query.recorded),
  );
  const count = Number(query.count);
  reply.status(refused?.status ?? 200);
  return reply.page('results/views/results.njk', {
    ...page,
    title: `Blood test results: ${page.patient.givenName} ${page.patient.familyName}`,
    recordedCount: Number.isInteger(count) && count > 0 ? count : page.recorded?.lines.length,
    panelLinks: panelLinks(patientId),
    decisionItems: alertDecisions.map((d) => ({ value: d, text: decisionWords[d] })),
    refusedAlertId: refused?.alertId,
    form: refused?.form ?? {},
    fields: refused?.fields ?? [],
  });
}

async function showPanelForm(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  panel: Panel | undefined,
  refused?: { form: FormValues; fields: FieldProblem[]; status: number },
) {
  const { access, patient } = await openResultsForm(
    deps.db,
    askerFrom(request),
    patientId,
    'open results form',
  );
  const form = refused?.form ?? {};
  reply.status(refused?.status ?? 200);
  return reply.page('results/views/new.njk', {
    title: panel ? `Enter ${panelLabels[panel]} results` : 'Enter blood test results',
    access,
    patient,
    panel,
    panelLabel: panel ? panelLabels[panel] : undefined,
    panelLinks: panelLinks(patientId),
    rows: panel ? panelRows(panel, form) : [],
    form,
    fields: refused?.fields ?? [],
  });
}

async function showImportForm(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  patientId: string,
  refused?: { content: string; fields: FieldProblem[]; status: number },
) {
  const { access, patient } = await openResultsForm(
    deps.db,
    askerFrom(request),
    patientId,
    'open results import',
  );
  const query = (request.query ?? {}) as FormValues;
  reply.status(refused?.status ?? 200);
  return reply.page('results/views/import.njk', {
    title: 'Import results from a file',
    access,
    patient,
    content: refused?.content ?? '',
    nothingImported: query.none === '1',
    maxRows: MAX_CSV_ROWS,
    fields: refused?.fields ?? [],
  });
}

type ResultsForm = Awaited<ReturnType<typeof openResultsForm>>;

/** The preview of a file's rows: what each would be stored as, or what is wrong with it, before anything is stored. */
function showPreview(
  reply: FastifyReply,
  opened: ResultsForm,
  checked: CheckedCsvRow[],
  extra: { ignoredColumns?: string[]; fields?: FieldProblem[]; status?: number } = {},
) {
  const valid = checked.filter((c) => c.input !== null).length;
  reply.status(extra.status ?? 200);
  return reply.page('results/views/import-preview.njk', {
    title: 'Check the results before importing them',
    ...opened,
    checked,
    valid,
    invalid: checked.length - valid,
    rowsJson: JSON.stringify(checked.map((c) => c.row)),
    ignoredColumns: extra.ignoredColumns ?? [],
    fields: extra.fields ?? [],
  });
}

/** The text of the file chosen, or of the box it was pasted into when no file was chosen. */
function uploadedText(body: unknown): string {
  const { file, content } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (Buffer.isBuffer(file) && file.length > 0) return file.toString('utf8');
  const pasted = Array.isArray(content) ? content[0] : content;
  return typeof pasted === 'string' ? pasted : '';
}

/** The child's results page, the forms that record results, importing a file, and deciding about alerts. */
export async function resultsRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;

  r.get('/patients/:id/results', { schema: { ...web, params: patientParams } }, (request, reply) =>
    showResultsPage(deps, request, reply, request.params.id),
  );

  r.get('/patients/:id/results/new', { schema: { ...web, params: patientParams } }, (request, reply) => {
    const { panel } = (request.query ?? {}) as FormValues;
    return showPanelForm(deps, request, reply, request.params.id, asPanel(panel));
  });

  r.post(
    '/patients/:id/results/new',
    { schema: { ...web, params: patientParams } },
    async (request, reply) => {
      const { id } = request.params;
      const panel = asPanel(((request.query ?? {}) as FormValues).panel);
      if (!panel) throw new JointlyError('NOT_FOUND', 'Choose which blood test the results are for.');
      const form = postedForm(request.body);
      const { input, analytes } = panelInput(panel, form, dateFromForm(form, 'specimenDate'));
      try {
        const recorded = await recordResults(db, askerFrom(request), id, input, 'form');
        return reply.redirect(afterRecording(id, recorded), 303);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        const fields = problemsOnForm(error.fields, panel, analytes);
        return showPanelForm(deps, request, reply, id, panel, { form, fields, status: error.status });
      }
    },
  );

  r.post(
    '/patients/:id/results/alerts/:alertId/acknowledgement',
    { schema: { ...web, params: alertParams } },
    async (request, reply) => {
      const { id, alertId } = request.params;
      const alert = isUuid(alertId) ? await findAlert(db, alertId) : undefined;
      if (!alert || alert.patientId !== id)
        throw new JointlyError('NOT_FOUND', 'There is no such result alert.');
      const form = postedForm(request.body);
      try {
        await acknowledgeResult(db, askerFrom(request), alertId, {
          decision: form.decision,
          note: form.note,
        });
        return reply.redirect(`/patients/${id}/results#decisions`, 303);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        // Each alert has its own form: its boxes are named by the alert, so the error summary links to the right one.
        const fields = error.fields.map((f) => ({ field: `${f.field}-${alertId}`, message: f.message }));
        return showResultsPage(deps, request, reply, id, { alertId, form, fields, status: error.status });
      }
    },
  );

  r.get('/patients/:id/results/import', { schema: { ...web, params: patientParams } }, (request, reply) =>
    showImportForm(deps, request, reply, request.params.id),
  );

  // Only the upload form takes multipart bodies, so the parser is registered for it alone.
  await app.register(async (scoped) => {
    await scoped.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: maxFileBytes, files: 1, fields: 5 },
    });
    scoped.setErrorHandler((error: Error & { code?: string }) => {
      if (error.code === 'FST_REQ_FILE_TOO_LARGE') {
        const message = 'The file must be smaller than 512 KB';
        throw new JointlyError('INVALID_INPUT', message, [{ field: 'file', message }]);
      }
      throw error;
    });
    scoped
      .withTypeProvider<ZodTypeProvider>()
      .post(
        '/patients/:id/results/import',
        { schema: { ...web, params: patientParams } },
        async (request, reply) => {
          const { id } = request.params;
          const text = uploadedText(request.body);
          if (!text.trim()) {
            const message = 'Choose a CSV file, or paste its contents';
            return showImportForm(deps, request, reply, id, {
              content: '',
              fields: [{ field: 'file', message }],
              status: 400,
            });
          }
          const file = readResultsCsv(text);
          if (!file.ok) {
            const fields = [{ field: 'file', message: file.message }];
            return showImportForm(deps, request, reply, id, { content: text, fields, status: 400 });
          }
          const opened = await openResultsForm(db, askerFrom(request), id, 'preview results import');
          const checked = checkCsvRows(file.rows, {
            today: request.today,
            dateOfBirth: opened.patient.dateOfBirth,
          });
          return showPreview(reply, opened, checked, { ignoredColumns: file.ignoredColumns });
        },
      );
  });

  r.post(
    '/patients/:id/results/import/confirm',
    { schema: { ...web, params: patientParams } },
    async (request, reply) => {
      const { id } = request.params;
      const form = postedForm(request.body);
      if (form.choice === 'none') return reply.redirect(`/patients/${id}/results/import?none=1`, 303);
      const rows = rowsFromPreview(form.rows);
      if (!rows)
        throw new JointlyError(
          'INVALID_INPUT',
          'The rows to import were missing or changed. Upload the file again.',
        );
      // Checked afresh: what the preview page sends back is never trusted.
      const opened = await openResultsForm(db, askerFrom(request), id, 'confirm results import');
      const checked = checkCsvRows(rows, { today: request.today, dateOfBirth: opened.patient.dateOfBirth });
      const valid = checked.flatMap((c) => (c.input ? [c.input] : []));
      const onlyValid = form.choice === 'valid';
      if ((!onlyValid && valid.length < checked.length) || valid.length === 0) {
        const message =
          valid.length === 0
            ? 'No row can be imported: correct the file and upload it again'
            : `${checked.length - valid.length} rows have problems: import only the valid rows, or correct the file`;
        return showPreview(reply, opened, checked, { fields: [{ field: 'rows', message }], status: 400 });
      }
      try {
        const recorded = await recordResults(db, askerFrom(request), id, { results: valid }, 'csv');
        return reply.redirect(afterRecording(id, recorded), 303);
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        const fields = error.fields.map((f) => ({ field: 'rows', message: f.message }));
        return showPreview(reply, opened, checked, { fields, status: error.status });
      }
    },
  );

  await resultsApiRoutes(app, deps);
}
