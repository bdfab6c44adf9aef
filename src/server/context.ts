import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { PlainDate } from '../kernel/dates.ts';
import type { SignedInUser } from '../people/people.store.ts';

/** What every capability's routes are given: the database, the configuration and the clock. */
export interface AppDeps {
  db: Database;
  config: Config;
  /** The time now; tests pass a fixed clock. */
  clock: () => Date;
  /** Where the JSON log goes (standard output unless given). */
  logStream?: NodeJS.WritableStream;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, or null for an anonymous request. */
    viewer: SignedInUser | null;
    /** The token every state-changing form and API call must carry. */
    csrfToken: string;
    now: Date;
    today: PlainDate;
    cspNonce: string;
  }
  interface FastifyReply {
    /** Renders a page inside Jointly's layout, with the viewer, CSRF token and demo marking filled in. */
    page(template: string, data?: Record<string, unknown>): FastifyReply;
  }
}
