import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FileStorage } from './types';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Uploaded files on local disk, content-addressed: `sha256/<first 2 hex>/<sha256>`.
 * Files are written whole or not at all (temp file, fsync, rename), readable
 * by the service's user only.
 */
export class LocalDiskStorage implements FileStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(sha256: string, bytes: Buffer): Promise<string> {
    if (!SHA256.test(sha256)) throw new Error('storage key must be a lowercase hex sha256');
    // A wrong hash would file the bytes under someone else's content.
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw new Error('the bytes do not match their sha256');
    const key = `sha256/${sha256.slice(0, 2)}/${sha256}`;
    const file = this.resolve(key);
    if (await exists(file)) return key;

    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${randomUUID()}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Two writers of the same content race harmlessly: both renames leave identical bytes.
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return key;
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.resolve(key));
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
