import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../server/context.ts';
import { askerFrom, dateFromForm, dateIntoForm, type FormValues, isFormRefusal } from './forms.ts';
import { paginationFor } from './pagination.ts';
import { findPatients, listPatients } from './patient-lists.ts';
import { PAGE_SIZE, parseSearchCriteria } from './search.rules.ts';

const pageQuery = z.object({
  page: z.coerce.number({ error: 'page must be a whole number' }).int().min(1, 'page starts at 1').default(1),
});

const searchQuery = z.object({
  name: z.string().optional().describe('The start of the family name; or "given family"; or "family, given"'),
  nhsNumber: z.string().optional().describe('10 digits, spaces allowed; exact match'),
  dateOfBirth: z.string().optional().describe('YYYY-MM-DD; exact match'),
});

/** Has the search form been sent at all (rather than the page opened fresh)? */
function anySearchSent(query: FormValues): boolean {
  return [
    'name',
    'nhsNumber',
    'dateOfBirth',
    'dateOfBirth-day',
    'dateOfBirth-month',
    'dateOfBirth-year',
  ].some((key) => key in query);
}

/** The patients a person may see, and finding one: web pages and API. */
export async function patientListRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps;
  const allowTestRange = deps.config.demo;

  r.get('/patients', { schema: { hide: true, querystring: pageQuery } }, async (request, reply) => {
    const page = await listPatients(db, askerFrom(request), request.query.page);
    return reply.page('patients/views/list.njk', {
      title: page.page > 1 ? `Patients, page ${page.page}` : 'Patients',
      ...page,
      pageSize: PAGE_SIZE,
      today: request.today,
      paging: paginationFor(page.page, page.hasNextPage, (n) => `/patients?page=${n}`),
    });
  });

  r.get(
    '/api/patients',
    {
      schema: {
        tags: ['patients'],
        summary: `The patients you may see, by family name, ${PAGE_SIZE} a page`,
        querystring: pageQuery,
      },
    },
    async (request) => ({
      ...(await listPatients(db, askerFrom(request), request.query.page)),
      pageSize: PAGE_SIZE,
    }),
  );

  r.get('/patients/search', { schema: { hide: true } }, async (request, reply) => {
    const asker = askerFrom(request);
    const query = (request.query ?? {}) as FormValues;
    const wholeDate = typeof query.dateOfBirth === 'string' ? query.dateOfBirth : undefined;
    const form = { ...dateIntoForm('dateOfBirth', wholeDate), ...query };
    const page = { title: 'Find a patient', form, today: request.today };
    if (!anySearchSent(form)) return reply.page('patients/views/search.njk', page);
    try {
      const input = {
        name: form.name,
        nhsNumber: form.nhsNumber,
        dateOfBirth: dateFromForm(form, 'dateOfBirth'),
      };
      const criteria = parseSearchCriteria(input, { allowTestRange });
      const outcome = await findPatients(db, asker, criteria);
      return reply.page('patients/views/search.njk', {
        ...page,
        outcome,
        searchedNhsNumber: criteria.nhsNumber,
      });
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      reply.status(error.status);
      return reply.page('patients/views/search.njk', { ...page, fields: error.fields });
    }
  });

  r.get(
    '/api/patients/search',
    {
      schema: {
        tags: ['patients'],
        summary: 'Find patients you may see by name, NHS number and/or date of birth (at most 50)',
        querystring: searchQuery,
      },
    },
    async (request) => {
      const asker = askerFrom(request);
      return findPatients(db, asker, parseSearchCriteria(request.query, { allowTestRange }));
    },
  );
}
