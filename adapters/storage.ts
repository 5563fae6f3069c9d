import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BytesSealer } from '../platform/crypto';
import type { FileStorage } from './types';

/** An upload id as the API hands them out (upl_…): safe as a file name. */
const UPLOAD_ID = /^upl_[A-Za-z0-9]{8,64}$/;
/** Uploads kept before sealing (content-addressed, in plaintext): read as they are. */
const LEGACY_KEY = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/**
 * Uploaded files on local disk, one file per upload (`sealed/<2 chars of the
 * id>/<upload id>`), never shared between uploads or accounts even for the
 * same bytes, sealed at rest (SPEC §11: uploads are personal data). Files are
 * written whole or not at all (temp file, fsync, rename), readable by the
 * service's user only.
 */
export class LocalDiskStorage implements FileStorage {
  private readonly root: string;

  constructor(
    root: string,
    private readonly sealer: BytesSealer,
  ) {
    this.root = path.resolve(root);
  }

  async put(uploadId: string, bytes: Buffer): Promise<string> {
    if (!UPLOAD_ID.test(uploadId)) throw new Error('storage key must be an upload id');
    const key = `sealed/${uploadId.slice(4, 6)}/${uploadId}`;
    const file = this.resolve(key);
    // A retried upload (same Idempotency-Key, so the same id and bytes) finds its file written whole.
    if (await exists(file)) return key;

    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(this.sealer.seal(bytes, key));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return key;
  }

  async get(key: string): Promise<Buffer> {
    const stored = await readFile(this.resolve(key));
    return LEGACY_KEY.test(key) ? stored : this.sealer.open(stored, key);
  }

  async delete(key: string): Promise<void> {
    await rm(this.resolve(key), { force: true });
  }

  private resolve(key: string): string {
    const file = path.resolve(this.root, key);
    if (key.includes('\0') || path.isAbsolute(key) || !file.startsWith(this.root + path.sep)) {
      throw new Error('storage key outside the storage root');
    }
    return file;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}
