import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createSandboxProviders } from '../../adapters/sandbox';
import { SandboxCallbackOutbox } from '../../adapters/sandbox/outbox';
import { LocalDiskStorage } from '../../adapters/storage';
import { buildApp } from '../../api/app';
import { loadConfig } from '../../platform/config';
import { createBytesSealer, createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { createDb } from '../../platform/db';
import { createLogger } from '../../platform/logger';
import { createMetrics } from '../../platform/metrics';
import { payloadCodec } from '../../platform/temporal';
import { dataKeyStore } from '../../store/data-keys';

/** Placeholder keys: the document depends on no secret, and nothing here encrypts or signs. */
const KEY = Buffer.alloc(32, 7).toString('base64');
const SECRET_NAMES = ['ACCOUNT_TOKEN_SECRET', 'PII_ENCRYPTION_KEY', 'PII_HASH_KEY', 'TEMPORAL_CODEC_KEY', 'WECHAT_CALLBACK_SECRET', 'QQ_CALLBACK_SECRET', 'FACE_CALLBACK_SECRET', 'BANK_CALLBACK_SECRET'];

/**
 * The OpenAPI document GET /openapi.json serves, built in this process the way
 * the API builds it (api/app.ts), without a database, Temporal or a port: the
 * app is assembled over connections that are never opened (a lazy Temporal
 * connection, a knex pool of minimum 0) and asked for its document. As served
 * outside production: with the sandbox's routes.
 */
export async function openApiDocument(): Promise<object> {
  const env = Object.fromEntries(SECRET_NAMES.map((name) => [name, KEY]));
  const config = loadConfig({ ...env, NODE_ENV: 'development', SANDBOX_ENABLED: 'true', DATA_DIR: path.join(os.tmpdir(), 'rnv-openapi') });
  const db = createDb({ databaseUrl: 'postgres://openapi-document.invalid/none', dataDir: config.dataDir });
  const client = new Client({ connection: Connection.lazy({ address: 'openapi-document.invalid:7233' }) });
  try {
    const logger = createLogger('silent');
    const cipher = createPiiCipher(config.secrets.piiEncryptionKey, config.secrets.piiHashKey);
    const outbox = new SandboxCallbackOutbox({ db, callbackBaseUrl: config.callbackBaseUrl, secrets: config.secrets.callbackSecrets, logger, cipher });
    const providers = createSandboxProviders({ db, cipher, outbox, payoutDelayMs: config.sandbox.payoutDelayMs, platformAccount: config.platformAccount });
    const { openapi } = buildApp({
      config,
      db,
      temporal: { client, taskQueue: config.temporal.taskQueue, codec: payloadCodec(config.secrets.temporalCodecKey) },
      cipher,
      keys: createProcessKeys({ store: dataKeyStore(db), master: cipher }),
      logger,
      metrics: createMetrics(),
      providers: providers.service,
      storage: new LocalDiskStorage(path.join(config.dataDir, 'uploads'), createBytesSealer(config.secrets.piiEncryptionKey)),
      sandbox: { ...providers, outbox },
      readiness: [],
    });
    return openapi();
  } finally {
    await db.destroy();
  }
}
