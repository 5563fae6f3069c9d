import path from 'node:path';
import { z } from 'zod';
import { parseIsoDate } from '../domain/calendar-date';
import { parseDuration, parseSpan, type Span } from '../domain/duration';
import { ConfigError, resolveSecrets, type Secrets } from './config-secrets';
import { parseTrustProxy, type TrustProxy } from './trust-proxy';

export { ConfigError, type Secrets };

/**
 * Configuration is read once from the environment, validated here and passed down.
 * Nothing else in the code base reads process.env.
 */

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

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  CALLBACK_BASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().optional(),
  MIGRATE_ON_START: bool(true),

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
  // How long a provider call may keep failing before its process ends failed PROVIDER_UNAVAILABLE.
  PROVIDER_CALL_TIMEOUT: duration('10m'),
  // How long a reviewer's claim on a review holds (API.md "Reviews").
  REVIEW_CLAIM_TTL: duration('30m'),
  // A payout with neither a settlement nor a refusal notice this long after its order ends failed PAYOUT_NOT_CONFIRMED.
  PAYOUT_SETTLEMENT_TIMEOUT: span('5bd'),
  // A run waiting on a review continues as new once its history has this many events (or the server suggests it sooner).
  HISTORY_ROLLOVER_EVENTS: z.coerce.number().int().min(100).max(50_000).default(10_000),
  // How often the reconciler (a Temporal Schedule) closes processes whose workflow ended outside their code and restarts stalled refunds.
  RECONCILE_INTERVAL: duration('1m'),

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

export const PROVIDERS_WITH_CALLBACKS = ['wechat', 'qq', 'face', 'bank'] as const;
export type CallbackProvider = (typeof PROVIDERS_WITH_CALLBACKS)[number];


/** The process timings of SPEC.md, in milliseconds; workflows receive them as input. */
export interface ProcessTimings {
  qrTtlMs: number;
  qrRefreshLimit: number;
  instantMethodTtlMs: number;
  transferWindowMs: number;
  amountEntryWindowMs: number;
  changeValidityMs: number;
  changeCooldownMs: number;
  faceMaxAttempts: number;
  resubmitWindowMs: number;
  providerCallTimeoutMs: number;
  payoutSettlementTimeout: Span;
  historyRolloverEvents: number;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  logLevel: string;
  host: string;
  port: number;
  publicBaseUrl: string;
  callbackBaseUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  migrateOnStart: boolean;
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    devPort: number;
    uiPort: number;
    maxCachedWorkflows: number;
    stickyTimeoutMs: number;
  };
  metrics: { workerPort: number; sdkPort: number };
  reviews: { claimTtlMs: number };
  /** The reconciler's schedule (SPEC §10 "every run closes"). */
  reconcile: { intervalMs: number };
  /** The codec endpoint behind the Temporal UI (API.md "Operator tools"). */
  codec: { allowedOrigins: string[]; requireAuth: boolean; jwt: CodecJwt | undefined };
  sandbox: { enabled: boolean; payoutDelayMs: number };
  /** Webhooks to clients: the delivery workflows' task queue and retry schedule; production accepts https endpoints only, never on loopback. */
  webhooks: { taskQueue: string; retry: { initialMs: number; maxIntervalMs: number; giveUpAfterMs: number }; httpsOnly: boolean; allowLoopback: boolean };
  /** Per client address on the sandbox and on callbacks that fail their signature. */
  rateLimit: { max: number; windowMs: number };
  /** Express's `trust proxy`: whose X-Forwarded-For names the client. */
  trustProxy: TrustProxy;
  timings: ProcessTimings;
  /** The platform's collection account, shown for recharge verification and paying out remittances. */
  platformAccount: { accountName: string; accountNumber: string; bankName: string };
  /** Test-only: activity types that pause after their effect (a window to kill the worker in). */
  faults: { pauseAfter: string[] };
  /** Additions to the mainland business-day calendar. */
  calendar: { holidays: string[]; workdays: string[] };
  secrets: Secrets;
  /** Human-readable notes about defaults taken (dev keys, generated secrets). */
  warnings: string[];
}

function isoDates(name: string, list: string): string[] {
  const dates = list.split(',').map((d) => d.trim()).filter(Boolean);
  const bad = dates.filter((d) => !parseIsoDate(d));
  if (bad.length > 0) throw new ConfigError(`${name}: not YYYY-MM-DD dates: ${bad.join(', ')}`);
  return dates;
}

/** The Temporal UI's access tokens the codec accepts: signed by the JWKS, with this issuer and audience. */
export interface CodecJwt {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

function codecJwt(e: Pick<z.infer<typeof EnvSchema>, 'CODEC_AUTH_JWKS_URL' | 'CODEC_AUTH_ISSUER' | 'CODEC_AUTH_AUDIENCE'>): CodecJwt | undefined {
  const { CODEC_AUTH_JWKS_URL: jwksUrl, CODEC_AUTH_ISSUER: issuer, CODEC_AUTH_AUDIENCE: audience } = e;
  if (!jwksUrl) return undefined;
  if (!issuer || !audience) {
    const missing = [issuer ? '' : 'CODEC_AUTH_ISSUER', audience ? '' : 'CODEC_AUTH_AUDIENCE'].filter(Boolean);
    throw new ConfigError(`CODEC_AUTH_JWKS_URL is set: it also requires ${missing.join(' and ')}`);
  }
  return { jwksUrl, issuer, audience };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const warnings: string[] = [];
  const dataDir = path.resolve(e.DATA_DIR);

  if (e.TEST_FAULT_PAUSE_AFTER.length > 0 && e.NODE_ENV !== 'test') {
    throw new ConfigError('TEST_FAULT_* settings are for tests only (NODE_ENV=test)');
  }
  const secrets = resolveSecrets(e, { production, dataDir, warnings });

  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl,
    callbackBaseUrl: (e.CALLBACK_BASE_URL ?? publicBaseUrl).replace(/\/$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL || undefined,
    migrateOnStart: e.MIGRATE_ON_START,
    temporal: {
      address: e.TEMPORAL_ADDRESS || undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      stickyTimeoutMs: e.WORKER_STICKY_TIMEOUT,
    },
    metrics: { workerPort: e.WORKER_METRICS_PORT, sdkPort: e.TEMPORAL_SDK_METRICS_PORT },
    reviews: { claimTtlMs: e.REVIEW_CLAIM_TTL },
    reconcile: { intervalMs: e.RECONCILE_INTERVAL },
    codec: {
      allowedOrigins: (e.TEMPORAL_UI_ORIGIN ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT},http://localhost:${e.TEMPORAL_UI_PORT}`)
        .split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter(Boolean),
      requireAuth: production,
      jwt: codecJwt(e),
    },
    // The sandbox imitates the outside world: never in production.
    sandbox: { enabled: e.SANDBOX_ENABLED && !production, payoutDelayMs: e.SANDBOX_PAYOUT_DELAY },
    webhooks: {
      taskQueue: e.WEBHOOK_TASK_QUEUE ?? `${e.TEMPORAL_TASK_QUEUE}-webhooks`,
      retry: { initialMs: e.WEBHOOK_RETRY_INITIAL, maxIntervalMs: e.WEBHOOK_RETRY_MAX_INTERVAL, giveUpAfterMs: e.WEBHOOK_RETRY_FOR },
      httpsOnly: production,
      allowLoopback: !production,
    },
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW },
    trustProxy: e.TRUST_PROXY,
    timings: {
      qrTtlMs: e.QR_TTL,
      qrRefreshLimit: e.QR_REFRESH_LIMIT,
      instantMethodTtlMs: e.INSTANT_METHOD_TTL,
      transferWindowMs: e.TRANSFER_WINDOW,
      amountEntryWindowMs: e.AMOUNT_ENTRY_WINDOW,
      changeValidityMs: e.CHANGE_VALIDITY,
      changeCooldownMs: e.CHANGE_COOLDOWN,
      faceMaxAttempts: e.FACE_MAX_ATTEMPTS,
      resubmitWindowMs: e.RESUBMIT_WINDOW,
      providerCallTimeoutMs: e.PROVIDER_CALL_TIMEOUT,
      payoutSettlementTimeout: e.PAYOUT_SETTLEMENT_TIMEOUT,
      historyRolloverEvents: e.HISTORY_ROLLOVER_EVENTS,
    },
    platformAccount: { accountName: e.PLATFORM_ACCOUNT_NAME, accountNumber: e.PLATFORM_ACCOUNT_NUMBER, bankName: e.PLATFORM_BANK_NAME },
    faults: { pauseAfter: e.TEST_FAULT_PAUSE_AFTER },
    calendar: { holidays: isoDates('BUSINESS_CALENDAR_HOLIDAYS', e.BUSINESS_CALENDAR_HOLIDAYS), workdays: isoDates('BUSINESS_CALENDAR_WORKDAYS', e.BUSINESS_CALENDAR_WORKDAYS) },
    secrets,
    warnings,
  };
}
