import { z } from 'zod';
import { parseDuration, parseSpan } from '../domain/duration';
import { DEFAULT_TWO_PERSON_KINDS, parseTwoPersonKinds } from '../domain/four-eyes';
import { parseRemindersBefore } from '../domain/reminders';
import { parseTrustProxy } from './trust-proxy';

/** The environment variables the service reads, each with its default and its parser (README "Configuration"). */

/** A setting read by a parser that throws its explanation. */
const readWith =
  <T>(parse: (text: string) => T) =>
  (text: string | undefined, ctx: z.RefinementCtx): T => {
    try {
      return parse(text ?? '');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  };

const duration = (fallback: string) => z.string().default(fallback).transform(readWith(parseDuration));

/** A duration or a number of business days (`5bd`). */
const span = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseSpan(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const bool = (fallback: boolean) =>
  z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional())
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  CALLBACK_BASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().optional(),
  MIGRATE_ON_START: bool(true),
  // `npm start` without DATABASE_URL: a PostgreSQL server of its own under DATA_DIR/postgres (`pglite`: the older
  // single-process PGlite database, where a platform has no server binaries), on this port (0: any free one), run
  // as this user when started as root (default postgres, else nobody).
  EMBEDDED_DB: z.enum(['postgres', 'pglite']).default('postgres'),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  EMBEDDED_POSTGRES_USER: z.string().min(1).optional(),

  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('realname-verification'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  // The Temporal UI's origins (comma-separated) the codec endpoint answers; default: the embedded UI.
  TEMPORAL_UI_ORIGIN: z.string().optional(),
  // Production: the codec also accepts the UI's access token (a JWT) verified against this JWKS, issued by this issuer for
  // this audience (both required with the JWKS: any other token of the identity provider is refused).
  CODEC_AUTH_JWKS_URL: z.url().optional(),
  CODEC_AUTH_ISSUER: z.string().trim().min(1).optional(),
  CODEC_AUTH_AUDIENCE: z.string().trim().min(1).optional(),
  // A worker on its own serves /metrics here (0: not at all); the Temporal SDK's exporter listens on loopback (0: any free port).
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  TEMPORAL_SDK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(100),
  // A run's next task goes to the worker that has it cached (its sticky queue); a task that worker has not taken after
  // this long goes to any worker. After a worker crash its runs resume this much later (the SDK's default).
  WORKER_STICKY_TIMEOUT: duration('10s'),

  // Keys and callback secrets: any non-empty value in development and tests; production requires 16+ characters.
  SERVICE_API_KEY: z.string().min(1).optional(),
  REVIEWER_API_KEY: z.string().min(1).optional(),
  ADMIN_API_KEY: z.string().min(1).optional(),
  ACCOUNT_TOKEN_SECRET: z.string().min(32).optional(),
  PII_ENCRYPTION_KEY: key32.optional(),
  PII_HASH_KEY: key32.optional(),
  TEMPORAL_CODEC_KEY: key32.optional(),
  WECHAT_CALLBACK_SECRET: z.string().min(1).optional(),
  QQ_CALLBACK_SECRET: z.string().min(1).optional(),
  FACE_CALLBACK_SECRET: z.string().min(1).optional(),
  BANK_CALLBACK_SECRET: z.string().min(1).optional(),

  SANDBOX_ENABLED: bool(true),
  SANDBOX_PAYOUT_DELAY: duration('5s'),

  QR_TTL: duration('10m'),
  QR_REFRESH_LIMIT: z.coerce.number().int().min(0).max(50).default(5),
  INSTANT_METHOD_TTL: duration('24h'),
  TRANSFER_WINDOW: duration('7d'),
  AMOUNT_ENTRY_WINDOW: duration('7d'),
  CHANGE_VALIDITY: duration('7d'),
  CHANGE_COOLDOWN: duration('30d'),
  FACE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  RESUBMIT_WINDOW: duration('7d'),
  // Find my accounts (SPEC §12): the face check (or WeChat authorisation) of a lookup must be passed within this.
  LOOKUP_TTL: duration('15m'),
  // How long a provider call may keep failing before its process ends failed PROVIDER_UNAVAILABLE.
  PROVIDER_CALL_TIMEOUT: duration('10m'),
  // SPEC §12: how long before a user's window closes they are reminded (a comma list; empty: never).
  REMINDERS_BEFORE: z.string().default('48h,24h').transform(readWith(parseRemindersBefore)),
  // How long a reviewer's claim on a review holds (API.md "Reviews").
  REVIEW_CLAIM_TTL: duration('30m'),
  // Review kinds that need two approvals by different reviewers (SPEC §6 "Four eyes"; a comma list, empty: none).
  REVIEW_TWO_PERSON_KINDS: z.string().default(DEFAULT_TWO_PERSON_KINDS).transform(readWith(parseTwoPersonKinds)),
  // A payout with neither a settlement nor a refusal notice this long after its order ends failed PAYOUT_NOT_CONFIRMED.
  PAYOUT_SETTLEMENT_TIMEOUT: span('5bd'),
  // A run waiting on a review continues as new once its history has this many events (or the server suggests it sooner).
  HISTORY_ROLLOVER_EVENTS: z.coerce.number().int().min(100).max(50_000).default(10_000),
  // How often the reconciler (a Temporal Schedule) closes processes whose workflow ended outside their code and restarts stalled refunds.
  RECONCILE_INTERVAL: duration('1m'),
  // Retention (SPEC §11), each category on its own Temporal Schedule every RETENTION_INTERVAL, RETENTION_BATCH_SIZE rows
  // per statement: idempotency answers, provider events, webhook deliveries, webhook events, audit events
  // (3 years, written in days), hosted pages' links and sessions deleted; personal data erased.
  RETENTION_IDEMPOTENCY: duration('24h'),
  RETENTION_PROVIDER_EVENTS: duration('30d'),
  RETENTION_WEBHOOKS: duration('30d'),
  // Webhook events (the event log, GET /v1/events, and what a replay resends): deleted this long after they happened.
  RETENTION_EVENTS: duration('30d'),
  RETENTION_AUDIT: duration('1095d'),
  // Hosted pages' links (page_sessions): deleted this long after the link's hour ran out unused, or the browser session it opened ended.
  RETENTION_PAGE_SESSIONS: duration('24h'),
  // Personal data of a process that ended without verifying: erased (its data key destroyed) after this; an upload no process
  // holding personal data uses, this long after it was uploaded.
  RETENTION_UNFINISHED: duration('90d'),
  // The record of a subject a change replaced (another person or enterprise): erased this long after the change completed.
  RETENTION_REPLACED_SUBJECT: duration('90d'),
  RETENTION_INTERVAL: duration('1h'),
  RETENTION_BATCH_SIZE: z.coerce.number().int().default(1000),

  // Comma-separated YYYY-MM-DD: days the State Council announced before the calendar package carries them.
  BUSINESS_CALENDAR_HOLIDAYS: z.string().default(''),
  BUSINESS_CALENDAR_WORKDAYS: z.string().default(''),

  // Webhooks to clients: the deliveries (activities) run on their own task queue (default <TEMPORAL_TASK_QUEUE>-webhooks), so a
  // slow endpoint never takes a verification's worker slots; an attempt without a 2xx is retried from WEBHOOK_RETRY_INITIAL,
  // doubling up to WEBHOOK_RETRY_MAX_INTERVAL, for WEBHOOK_RETRY_FOR.
  WEBHOOK_TASK_QUEUE: z.string().min(1).optional(),
  WEBHOOK_RETRY_INITIAL: duration('10s'),
  WEBHOOK_RETRY_MAX_INTERVAL: duration('1h'),
  WEBHOOK_RETRY_FOR: duration('3d'),
  // An endpoint that has failed every delivery for this long is disabled (no deliveries until PATCHed back on) and the
  // operators (OPERATOR_EMAILS, comma-separated) are emailed.
  WEBHOOK_DISABLE_AFTER: duration('3d'),
  OPERATOR_EMAILS: z.string().default(''),

  // Hosted pages (API.md "Hosted pages"): the origins a session's returnUrl may point at, comma-separated (scheme://host[:port];
  // https only in production). The service's own origin (PUBLIC_BASE_URL) is always allowed; unset: no other.
  SESSION_RETURN_ORIGINS: z.string().default(''),

  // Requests per client address and window on the sandbox and on callbacks that fail their signature; 429 RATE_LIMITED beyond.
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_WINDOW: duration('1m'),
  // Express's `trust proxy`: the hops that may name the client in X-Forwarded-For (platform/trust-proxy.ts). Off by default.
  TRUST_PROXY: z.string().optional().transform(readWith(parseTrustProxy)),

  PLATFORM_ACCOUNT_NAME: z.string().min(2).default('云平台科技有限公司'),
  PLATFORM_ACCOUNT_NUMBER: z.string().regex(/^\d{8,30}$/).default('110501880000009999'),
  PLATFORM_BANK_NAME: z.string().min(2).default('中国建设银行北京分行'),

  // Test-only fault injection (refused outside NODE_ENV=test): the named activities pause after their effect, before reporting back.
  TEST_FAULT_PAUSE_AFTER: z
    .string()
    .optional()
    .transform((text) => (text ? text.split(',').map((name) => name.trim()).filter(Boolean) : [])),
});
