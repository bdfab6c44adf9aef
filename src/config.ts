import { resolve } from 'node:path';
import { z } from 'zod';

/** Everything Jointly reads from its environment, in one typed place. */
export interface Config {
  /** A PostgreSQL server; when absent Jointly runs on its embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  /** Demo mode: demo data, demo sign-ins, NHS numbers from the 999 test range, visible banner. */
  demo: boolean;
  sessionIdleMinutes: number;
  breakGlassMinutes: number;
  signIn: { maxFailures: number; lockoutMinutes: number; attemptsPerMinutePerAddress: number };
  logLevel: string;
  /** Whether cookies carry the Secure flag (behind TLS in production). */
  secureCookies: boolean;
  /** Where e-mail goes; without an SMTP host nothing is sent and the outbox keeps every e-mail. */
  mail: MailConfig;
  /** The address people reach Jointly at, for links in e-mails (no trailing slash). */
  publicUrl: string;
  /** The MLLP listener for laboratory results (HL7 v2); port 0 takes any free port. */
  mllp: { host: string; port: number; maxBytes: number };
}

export interface MailConfig {
  smtpHost: string | undefined;
  smtpPort: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  smtpSecure: boolean;
  smtpUser: string | undefined;
  smtpPassword: string | undefined;
  from: string;
}

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));

const env = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  JOINTLY_DATA_DIR: z.string().min(1).default('./data'),
  JOINTLY_HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  JOINTLY_DEMO: flag.optional(),
  JOINTLY_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
  JOINTLY_BREAK_GLASS_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  JOINTLY_SIGNIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  JOINTLY_SIGNIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  JOINTLY_SIGNIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  JOINTLY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOINTLY_SECURE_COOKIES: flag.optional(),
  JOINTLY_SMTP_HOST: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  JOINTLY_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  JOINTLY_SMTP_SECURE: flag.optional(),
  JOINTLY_SMTP_USER: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  JOINTLY_SMTP_PASSWORD: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  JOINTLY_MAIL_FROM: z.string().min(3).default('Jointly <no-reply@jointly.invalid>'),
  JOINTLY_PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((v) => v?.replace(/\/+$/, '')),
  JOINTLY_MLLP_HOST: z.string().min(1).default('127.0.0.1'),
  JOINTLY_MLLP_PORT: z.coerce.number().int().min(0).max(65535).default(2575),
  JOINTLY_MLLP_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
});

/**
 * Reads the configuration. The embedded database runs in demo mode unless told otherwise;
 * a PostgreSQL server is production unless `JOINTLY_DEMO=true`.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.JOINTLY_DATA_DIR),
    host: e.JOINTLY_HOST,
    port: e.PORT,
    demo: e.JOINTLY_DEMO ?? e.DATABASE_URL === undefined,
    sessionIdleMinutes: e.JOINTLY_SESSION_IDLE_MINUTES,
    breakGlassMinutes: e.JOINTLY_BREAK_GLASS_MINUTES,
    signIn: {
      maxFailures: e.JOINTLY_SIGNIN_MAX_FAILURES,
      lockoutMinutes: e.JOINTLY_SIGNIN_LOCKOUT_MINUTES,
      attemptsPerMinutePerAddress: e.JOINTLY_SIGNIN_RATE_PER_MINUTE,
    },
    logLevel: e.JOINTLY_LOG_LEVEL,
    secureCookies: e.JOINTLY_SECURE_COOKIES ?? false,
    mail: {
      smtpHost: e.JOINTLY_SMTP_HOST,
      smtpPort: e.JOINTLY_SMTP_PORT,
      smtpSecure: e.JOINTLY_SMTP_SECURE ?? false,
      smtpUser: e.JOINTLY_SMTP_USER,
      smtpPassword: e.JOINTLY_SMTP_PASSWORD,
      from: e.JOINTLY_MAIL_FROM,
    },
    publicUrl: e.JOINTLY_PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    mllp: { host: e.JOINTLY_MLLP_HOST, port: e.JOINTLY_MLLP_PORT, maxBytes: e.JOINTLY_MLLP_MAX_BYTES },
    ...overrides,
  };
}
