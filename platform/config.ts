import path from 'node:path';
import { z } from 'zod';
import { parseIsoDate } from '../domain/calendar-date';
import type { Span } from '../domain/duration';
import { retentionProblems, type RetentionSettings } from '../domain/retention';
import { returnOriginProblem } from '../domain/return-url';
import { ConfigError, resolveSecrets, type Secrets } from './config-secrets';
import { EnvSchema } from './config-env';
import type { TrustProxy } from './trust-proxy';

export { ConfigError, type Secrets };

/**
 * Configuration is read once from the environment, validated here and passed down.
 * Nothing else in the code base reads process.env.
 */

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
  /** REMINDERS_BEFORE: reminders this long before a user's window closes, longest first (SPEC §12). */
  remindersBeforeMs: number[];
  /** LOOKUP_TTL: how long a "find my accounts" lookup waits for its check. */
  lookupTtlMs: number;
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
  /** What `npm start` runs when DATABASE_URL is not set (platform/embedded-postgres.ts). */
  embedded: { database: 'postgres' | 'pglite'; postgresPort: number; postgresUser: string | undefined };
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
  /** Claims lapse after claimTtlMs; reviews of twoPersonKinds need two approvals (SPEC §6). */
  reviews: { claimTtlMs: number; twoPersonKinds: string[] };
  /** The reconciler's schedule (SPEC §10 "every run closes"). */
  reconcile: { intervalMs: number };
  /** Retention's schedules (SPEC §11): how long each category is kept, how often and in what batches it is deleted. */
  retention: RetentionSettings;
  /** The codec endpoint behind the Temporal UI (API.md "Operator tools"). */
  codec: { allowedOrigins: string[]; requireAuth: boolean; jwt: CodecJwt | undefined };
  sandbox: { enabled: boolean; payoutDelayMs: number };
  /** Webhooks to clients: the delivery workflows' task queue and retry schedule; production accepts https endpoints only, never on loopback. */
  webhooks: {
    taskQueue: string;
    retry: { initialMs: number; maxIntervalMs: number; giveUpAfterMs: number };
    httpsOnly: boolean;
    allowLoopback: boolean;
    /** An endpoint failing every delivery this long is disabled, and these operators are emailed. */
    health: { disableAfterMs: number; operatorEmails: string[] };
  };
  /** Hosted pages (SPEC §13): the origins a session may send the person back to (SESSION_RETURN_ORIGINS and the service's own). */
  sessions: { returnOrigins: string[] };
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

type Env = z.infer<typeof EnvSchema>;

/** Retention's settings, refused with every reason when they make no sense (domain/retention.ts). */
function retention(e: Pick<Env, Extract<keyof Env, `RETENTION_${string}`> | 'WEBHOOK_RETRY_FOR'>): RetentionSettings {
  const settings: RetentionSettings = {
    periods: {
      idempotency: e.RETENTION_IDEMPOTENCY,
      'provider-events': e.RETENTION_PROVIDER_EVENTS,
      webhooks: e.RETENTION_WEBHOOKS,
      events: e.RETENTION_EVENTS,
      audit: e.RETENTION_AUDIT,
      'page-sessions': e.RETENTION_PAGE_SESSIONS,
      'unfinished-processes': e.RETENTION_UNFINISHED,
      'replaced-subjects': e.RETENTION_REPLACED_SUBJECT,
      // SPEC §11: an unfinished process's uploads are kept as long as its personal data.
      uploads: e.RETENTION_UNFINISHED,
    },
    intervalMs: e.RETENTION_INTERVAL,
    batchSize: e.RETENTION_BATCH_SIZE,
  };
  const problems = retentionProblems(settings, { webhookRetryForMs: e.WEBHOOK_RETRY_FOR });
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return settings;
}

/** SESSION_RETURN_ORIGINS, refused at boot with every bad entry; the service's own origin is added (a return to itself redirects nowhere new). */
function returnOrigins(list: string, publicBaseUrl: string, production: boolean): string[] {
  const entries = list.split(',').map((o) => o.trim()).filter(Boolean);
  const problems = entries.map((entry) => returnOriginProblem(entry, { httpsOnly: production })).filter((p) => p !== undefined);
  if (problems.length > 0) throw new ConfigError(`SESSION_RETURN_ORIGINS:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return [...new Set([new URL(publicBaseUrl).origin, ...entries.map((entry) => new URL(entry).origin)])];
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
    embedded: { database: e.EMBEDDED_DB, postgresPort: e.EMBEDDED_POSTGRES_PORT, postgresUser: e.EMBEDDED_POSTGRES_USER },
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
    reviews: { claimTtlMs: e.REVIEW_CLAIM_TTL, twoPersonKinds: e.REVIEW_TWO_PERSON_KINDS },
    reconcile: { intervalMs: e.RECONCILE_INTERVAL },
    retention: retention(e),
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
      health: { disableAfterMs: e.WEBHOOK_DISABLE_AFTER, operatorEmails: e.OPERATOR_EMAILS.split(',').map((a) => a.trim()).filter(Boolean) },
    },
    sessions: { returnOrigins: returnOrigins(e.SESSION_RETURN_ORIGINS, publicBaseUrl, production) },
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
      remindersBeforeMs: e.REMINDERS_BEFORE,
      lookupTtlMs: e.LOOKUP_TTL,
    },
    platformAccount: { accountName: e.PLATFORM_ACCOUNT_NAME, accountNumber: e.PLATFORM_ACCOUNT_NUMBER, bankName: e.PLATFORM_BANK_NAME },
    faults: { pauseAfter: e.TEST_FAULT_PAUSE_AFTER },
    calendar: { holidays: isoDates('BUSINESS_CALENDAR_HOLIDAYS', e.BUSINESS_CALENDAR_HOLIDAYS), workdays: isoDates('BUSINESS_CALENDAR_WORKDAYS', e.BUSINESS_CALENDAR_WORKDAYS) },
    secrets,
    warnings,
  };
}
