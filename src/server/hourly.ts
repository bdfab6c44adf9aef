/** Where a background clock reports: the server's own log. */
export interface ClockLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

const HOUR = 3_600_000;

/**
 * Runs work at start-up and then every hour, so that what is due on a day happens whether or not anyone opens a
 * page. A failed run is logged (its message only: no patient data) and tried again at the next hour; a run is never
 * started while the last is still going; `stop` waits for a run in progress before the database is closed.
 */
export function runEveryHour(
  name: string,
  work: () => Promise<object>,
  log: ClockLog,
  everyMs = HOUR,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = work()
      .then(
        (counts) => log.info({ [name]: counts }, `${name} swept`),
        (error: Error) => log.error({ err: { message: error.message } }, `${name} failed`),
      )
      .finally(() => {
        running = undefined;
      });
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
