import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'rnv-config-'));
const key = () => Buffer.alloc(32, 7).toString('base64');

describe('configuration', () => {
  it('has the SPEC defaults', () => {
    const c = loadConfig({ DATA_DIR: tmp() });
    expect(c.timings).toEqual({
      qrTtlMs: 10 * 60_000,
      qrRefreshLimit: 5,
      instantMethodTtlMs: 24 * 3600_000,
      transferWindowMs: 7 * 24 * 3600_000,
      amountEntryWindowMs: 7 * 24 * 3600_000,
      changeValidityMs: 7 * 24 * 3600_000,
      changeCooldownMs: 30 * 24 * 3600_000,
      faceMaxAttempts: 3,
      resubmitWindowMs: 7 * 24 * 3600_000,
      providerCallTimeoutMs: 10 * 60_000,
      payoutSettlementTimeout: { businessDays: 5 },
      historyRolloverEvents: 10_000,
      remindersBeforeMs: [48 * 3600_000, 24 * 3600_000],
      lookupTtlMs: 15 * 60_000,
    });
    expect(c.port).toBe(3000);
    expect(c.sandbox).toEqual({ enabled: true, payoutDelayMs: 5000 });
  });

  it('keeps what SPEC §11 keeps, deleting it every hour in batches of 1000', () => {
    const DAY = 24 * 3600_000;
    expect(loadConfig({ DATA_DIR: tmp() }).retention).toEqual({
      periods: { idempotency: DAY, 'provider-events': 30 * DAY, webhooks: 30 * DAY, events: 30 * DAY, audit: 1095 * DAY, 'page-sessions': DAY, 'unfinished-processes': 90 * DAY, 'replaced-subjects': 90 * DAY, uploads: 90 * DAY },
      intervalMs: 3600_000,
      batchSize: 1000,
    });
    const fast = loadConfig({ DATA_DIR: tmp(), RETENTION_AUDIT: '1m', RETENTION_WEBHOOKS: '1m', RETENTION_PAGE_SESSIONS: '1m', WEBHOOK_RETRY_FOR: '30s', RETENTION_INTERVAL: '2s', RETENTION_BATCH_SIZE: '2' });
    expect(fast.retention).toMatchObject({ periods: { audit: 60_000, webhooks: 60_000, 'page-sessions': 60_000 }, intervalMs: 2000, batchSize: 2 });
    // Uploads are kept as long as an unfinished process's personal data: one setting.
    const personal = loadConfig({ DATA_DIR: tmp(), RETENTION_UNFINISHED: '30d', RETENTION_REPLACED_SUBJECT: '60d' });
    expect(personal.retention.periods).toMatchObject({ 'unfinished-processes': 30 * DAY, uploads: 30 * DAY, 'replaced-subjects': 60 * DAY });
  });

  it.each([
    [{ RETENTION_AUDIT: '3y' }, /RETENTION_AUDIT: Invalid duration "3y"/],
    [{ RETENTION_IDEMPOTENCY: '1h', RETENTION_INTERVAL: '2h' }, /RETENTION_INTERVAL must be positive and no longer than the shortest retention period/],
    [{ RETENTION_WEBHOOKS: '2d' }, /RETENTION_WEBHOOKS must be longer than WEBHOOK_RETRY_FOR/],
    [{ RETENTION_BATCH_SIZE: '0' }, /RETENTION_BATCH_SIZE must be a whole number from 1 to 10000/],
    [{ RETENTION_REPLACED_SUBJECT: '36501d' }, /RETENTION_REPLACED_SUBJECT must be at most 36500d/],
  ])('refuses retention settings that make no sense: %o', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: tmp(), ...env })).toThrow(message);
  });

  it.each([
    ['10m', { ms: 600_000 }],
    ['3bd', { businessDays: 3 }],
  ])('reads PAYOUT_SETTLEMENT_TIMEOUT=%s', (text, expected) => {
    expect(loadConfig({ DATA_DIR: tmp(), PAYOUT_SETTLEMENT_TIMEOUT: text }).timings.payoutSettlementTimeout).toEqual(expected);
  });

  it.each([
    ['2m,1m', [120_000, 60_000]],
    ['1m,2m', [120_000, 60_000]],
    ['', []],
  ])('reads REMINDERS_BEFORE=%j, longest first (empty: no reminders)', (text, expected) => {
    expect(loadConfig({ DATA_DIR: tmp(), REMINDERS_BEFORE: text }).timings.remindersBeforeMs).toEqual(expected);
  });

  it.each([
    ['48h 24h', /REMINDERS_BEFORE: Invalid duration "48h 24h"/],
    ['48h,', /REMINDERS_BEFORE: .*empty entry/],
    ['24h,1d', /REMINDERS_BEFORE: .*given twice/],
  ])('refuses REMINDERS_BEFORE=%j at start, naming it', (text, message) => {
    expect(() => loadConfig({ DATA_DIR: tmp(), REMINDERS_BEFORE: text })).toThrow(message);
  });

  it('refuses a PAYOUT_SETTLEMENT_TIMEOUT it cannot read, naming it', () => {
    expect(() => loadConfig({ DATA_DIR: tmp(), PAYOUT_SETTLEMENT_TIMEOUT: '5 days' })).toThrow(/PAYOUT_SETTLEMENT_TIMEOUT.*Invalid duration/);
  });

  it('uses the dev API keys outside production, loudly', () => {
    const c = loadConfig({ DATA_DIR: tmp() });
    expect(c.secrets.serviceApiKey).toBe('dev-service-key');
    expect(c.warnings.join('\n')).toMatch(/SERVICE_API_KEY is not set/);
  });

  it('generates missing secrets once, keeps them private in the data folder, and reuses them', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir });
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toContain('PII_ENCRYPTION_KEY');
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secrets.piiEncryptionKey.equals(first.secrets.piiEncryptionKey)).toBe(true);
    expect(second.secrets.callbackSecrets.wechat).toBe(first.secrets.callbackSecrets.wechat);
  });

  it('refuses to start in production without its secrets, naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp() })).toThrow(/SERVICE_API_KEY.*ADMIN_API_KEY.*PII_ENCRYPTION_KEY/s);
  });

  it('never mounts the sandbox in production', () => {
    const env = productionEnv();
    const c = loadConfig(env);
    expect(c.sandbox.enabled).toBe(false);
    expect(c.warnings).toEqual([]);
  });

  it('wants long keys and callback secrets in production only', () => {
    expect(() => loadConfig({ ...productionEnv(), ADMIN_API_KEY: 'short', BANK_CALLBACK_SECRET: 'x' })).toThrow(/16 characters.*ADMIN_API_KEY.*BANK_CALLBACK_SECRET/);
    const dev = loadConfig({ DATA_DIR: tmp(), ADMIN_API_KEY: 'adm', BANK_CALLBACK_SECRET: 'x' });
    expect(dev.secrets.adminApiKey).toBe('adm');
    expect(dev.secrets.callbackSecrets.bank).toBe('x');
  });

  it.each([['FALSE', false], [' True ', true], ['0', false], ['YES', true]])('reads the switch %j as %s', (value, enabled) => {
    expect(loadConfig({ DATA_DIR: tmp(), SANDBOX_ENABLED: value }).sandbox.enabled).toBe(enabled);
  });

  it('lets sessions return to the listed origins and the service itself, and refuses a bad list at boot', () => {
    const dev = loadConfig({ DATA_DIR: tmp(), PUBLIC_BASE_URL: 'http://127.0.0.1:3000/', SESSION_RETURN_ORIGINS: ' https://console.example.com/ ,http://localhost:5173' });
    expect(dev.sessions.returnOrigins).toEqual(['http://127.0.0.1:3000', 'https://console.example.com', 'http://localhost:5173']);
    expect(loadConfig({ DATA_DIR: tmp(), PORT: '4000' }).sessions.returnOrigins).toEqual(['http://127.0.0.1:4000']);
    expect(() => loadConfig({ DATA_DIR: tmp(), SESSION_RETURN_ORIGINS: 'https://console.example.com/done,nonsense' })).toThrow(/SESSION_RETURN_ORIGINS.*without a path.*nonsense: not a URL/s);
    expect(() => loadConfig({ ...productionEnv(), SESSION_RETURN_ORIGINS: 'http://console.example.com' })).toThrow(/https origins only/);
  });

  function productionEnv(): Record<string, string> {
    return {
      NODE_ENV: 'production',
      SANDBOX_ENABLED: 'true',
      SERVICE_API_KEY: 's'.repeat(20),
      REVIEWER_API_KEY: 'r'.repeat(20),
      ADMIN_API_KEY: 'a'.repeat(20),
      ACCOUNT_TOKEN_SECRET: 't'.repeat(40),
      PII_ENCRYPTION_KEY: key(),
      PII_HASH_KEY: key(),
      TEMPORAL_CODEC_KEY: key(),
      WECHAT_CALLBACK_SECRET: 'w'.repeat(20),
      QQ_CALLBACK_SECRET: 'q'.repeat(20),
      FACE_CALLBACK_SECRET: 'f'.repeat(20),
      BANK_CALLBACK_SECRET: 'b'.repeat(20),
    };
  }

  it.each([
    [{ QR_TTL: '10 minutes' }, 'QR_TTL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PII_ENCRYPTION_KEY: 'short' }, 'PII_ENCRYPTION_KEY'],
    [{ SANDBOX_ENABLED: 'maybe' }, 'SANDBOX_ENABLED'],
  ])('explains a bad setting (%o)', (env, name) => {
    expect(() => loadConfig({ DATA_DIR: tmp(), ...env })).toThrow(new RegExp(name));
  });

  it('wants the codec token issuer and audience whenever a JWKS verifies the UI token, naming them', () => {
    const jwksUrl = 'https://sso.example.com/.well-known/jwks.json';
    expect(() => loadConfig({ DATA_DIR: tmp(), CODEC_AUTH_JWKS_URL: jwksUrl })).toThrow(/CODEC_AUTH_JWKS_URL.*CODEC_AUTH_ISSUER and CODEC_AUTH_AUDIENCE/);
    expect(() => loadConfig({ ...productionEnv(), CODEC_AUTH_JWKS_URL: jwksUrl, CODEC_AUTH_ISSUER: 'https://sso.example.com' })).toThrow(/requires CODEC_AUTH_AUDIENCE/);
    expect(() => loadConfig({ DATA_DIR: tmp(), CODEC_AUTH_JWKS_URL: jwksUrl, CODEC_AUTH_AUDIENCE: 'temporal-ui' })).toThrow(/requires CODEC_AUTH_ISSUER/);
    const c = loadConfig({ DATA_DIR: tmp(), CODEC_AUTH_JWKS_URL: jwksUrl, CODEC_AUTH_ISSUER: 'https://sso.example.com', CODEC_AUTH_AUDIENCE: 'temporal-ui' });
    expect(c.codec.jwt).toEqual({ jwksUrl, issuer: 'https://sso.example.com', audience: 'temporal-ui' });
    expect(loadConfig({ DATA_DIR: tmp() }).codec.jwt).toBeUndefined();
  });

  it.each<[string | undefined, unknown]>([
    [undefined, false],
    ['false', false],
    ['TRUE', true],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.7 ,fd00::/8,Loopback', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback']],
    ['uniquelocal,linklocal', ['uniquelocal', 'linklocal']],
  ])('reads TRUST_PROXY=%j as %j', (value, trustProxy) => {
    expect(loadConfig({ DATA_DIR: tmp(), ...(value === undefined ? {} : { TRUST_PROXY: value }) }).trustProxy).toEqual(trustProxy);
  });

  it.each(['yes please', '10.0.0.0/33', '::1/129', '10.0.0.0/8/1', 'lb.internal', '10.0.0.0/x', '-1', '10.0.0.1,,10.0.0.2'])('refuses TRUST_PROXY=%j at start, naming the entry', (value) => {
    expect(() => loadConfig({ DATA_DIR: tmp(), TRUST_PROXY: value })).toThrow(/TRUST_PROXY: not false, true, a hop count/);
  });

  it('keeps the SDK defaults for the worker cache unless told otherwise', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).temporal).toMatchObject({ maxCachedWorkflows: 100, stickyTimeoutMs: 10_000 });
    expect(loadConfig({ DATA_DIR: tmp(), WORKER_MAX_CACHED_WORKFLOWS: '50', WORKER_STICKY_TIMEOUT: '3s' }).temporal).toMatchObject({ maxCachedWorkflows: 50, stickyTimeoutMs: 3000 });
  });

  it('reads durations written like 10m, 24h, 7d', () => {
    const c = loadConfig({ DATA_DIR: tmp(), QR_TTL: '90s', INSTANT_METHOD_TTL: '2h', CHANGE_COOLDOWN: '1d' });
    expect([c.timings.qrTtlMs, c.timings.instantMethodTtlMs, c.timings.changeCooldownMs]).toEqual([90_000, 7_200_000, 86_400_000]);
  });
});
