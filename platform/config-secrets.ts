import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CallbackProvider } from './config';

/** Keys and secrets: production must set them; elsewhere development keys and generated secrets stand in. */

export interface Secrets {
  serviceApiKey: string;
  reviewerApiKey: string;
  adminApiKey: string;
  accountTokenSecret: string;
  piiEncryptionKey: Buffer;
  piiHashKey: Buffer;
  temporalCodecKey: Buffer;
  callbackSecrets: Record<CallbackProvider, string>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** What the API keys are when not set (outside production): `npm start` prints them, `npm run pages:link` uses the service's. */
export const DEV_KEYS = {
  SERVICE_API_KEY: 'dev-service-key',
  REVIEWER_API_KEY: 'dev-reviewer-key',
  ADMIN_API_KEY: 'dev-admin-key',
} as const;

type GeneratedSecretName =
  | 'ACCOUNT_TOKEN_SECRET'
  | 'PII_ENCRYPTION_KEY'
  | 'PII_HASH_KEY'
  | 'TEMPORAL_CODEC_KEY'
  | 'WECHAT_CALLBACK_SECRET'
  | 'QQ_CALLBACK_SECRET'
  | 'FACE_CALLBACK_SECRET'
  | 'BANK_CALLBACK_SECRET';

const GENERATED_SECRETS: GeneratedSecretName[] = [
  'ACCOUNT_TOKEN_SECRET',
  'PII_ENCRYPTION_KEY',
  'PII_HASH_KEY',
  'TEMPORAL_CODEC_KEY',
  'WECHAT_CALLBACK_SECRET',
  'QQ_CALLBACK_SECRET',
  'FACE_CALLBACK_SECRET',
  'BANK_CALLBACK_SECRET',
];

/** Shared secrets compared as given (API keys, callback HMAC secrets): production wants them long. */
const SHARED_SECRETS = [
  'SERVICE_API_KEY',
  'REVIEWER_API_KEY',
  'ADMIN_API_KEY',
  'WECHAT_CALLBACK_SECRET',
  'QQ_CALLBACK_SECRET',
  'FACE_CALLBACK_SECRET',
  'BANK_CALLBACK_SECRET',
] as const;

/**
 * Outside production a missing secret is generated once and kept in
 * <DATA_DIR>/secrets.json, so encrypted data and histories stay readable across
 * restarts and between the api and worker processes of one machine.
 */
function loadOrCreateDevSecrets(dataDir: string): Record<GeneratedSecretName, string> {
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Record<GeneratedSecretName, string>> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  let changed = false;
  for (const name of GENERATED_SECRETS) {
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString('base64');
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
  }
  return stored as Record<GeneratedSecretName, string>;
}

type SecretSettings = Partial<Record<keyof typeof DEV_KEYS | GeneratedSecretName, string>>;

export function resolveSecrets(e: SecretSettings, options: { production: boolean; dataDir: string; warnings: string[] }): Secrets {
  const { production, dataDir, warnings } = options;
  if (production) {
    const missing = [...Object.keys(DEV_KEYS), ...GENERATED_SECRETS].filter(
      (name) => !e[name as keyof typeof e],
    );
    if (missing.length > 0) {
      throw new ConfigError(`production requires these settings: ${missing.join(', ')}`);
    }
    const weak = SHARED_SECRETS.filter((name) => (e[name]?.length ?? 0) < 16);
    if (weak.length > 0) throw new ConfigError(`production requires at least 16 characters in: ${weak.join(', ')}`);
  }

  const apiKey = (name: keyof typeof DEV_KEYS): string => {
    const value = e[name];
    if (value) return value;
    warnings.push(`${name} is not set: using the development key "${DEV_KEYS[name]}"`);
    return DEV_KEYS[name];
  };

  const needGenerated = GENERATED_SECRETS.some((name) => !e[name]);
  const dev = needGenerated && !production ? loadOrCreateDevSecrets(dataDir) : undefined;
  if (dev) warnings.push(`secrets not set in the environment are read from ${path.join(dataDir, 'secrets.json')}`);
  const secret = (name: GeneratedSecretName): string => (e[name] ?? dev?.[name]) as string;

  return {
    serviceApiKey: apiKey('SERVICE_API_KEY'),
    reviewerApiKey: apiKey('REVIEWER_API_KEY'),
    adminApiKey: apiKey('ADMIN_API_KEY'),
    accountTokenSecret: secret('ACCOUNT_TOKEN_SECRET'),
    piiEncryptionKey: Buffer.from(secret('PII_ENCRYPTION_KEY'), 'base64'),
    piiHashKey: Buffer.from(secret('PII_HASH_KEY'), 'base64'),
    temporalCodecKey: Buffer.from(secret('TEMPORAL_CODEC_KEY'), 'base64'),
    callbackSecrets: {
      wechat: secret('WECHAT_CALLBACK_SECRET'),
      qq: secret('QQ_CALLBACK_SECRET'),
      face: secret('FACE_CALLBACK_SECRET'),
      bank: secret('BANK_CALLBACK_SECRET'),
    },
  };
}
