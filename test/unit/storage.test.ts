import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskStorage } from '../../adapters/storage';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('LocalDiskStorage', () => {
  let dir: string;
  let storage: LocalDiskStorage;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rnv-storage-'));
    storage = new LocalDiskStorage(path.join(dir, 'uploads'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores under a content-addressed key and reads the same bytes back', async () => {
    const bytes = Buffer.from('\x89PNG some image bytes');
    const hash = sha256(bytes);
    const key = await storage.put(hash, bytes);
    expect(key).toBe(`sha256/${hash.slice(0, 2)}/${hash}`);
    expect(await storage.get(key)).toEqual(bytes);

    const file = path.join(dir, 'uploads', key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // No temp file left behind.
    expect(readdirSync(path.dirname(file))).toEqual([hash]);
  });

  it('storing the same bytes twice is a no-op', async () => {
    const bytes = Buffer.from('the same content');
    const hash = sha256(bytes);
    const first = await storage.put(hash, bytes);
    const mtime = statSync(path.join(dir, 'uploads', first)).mtimeMs;
    const second = await storage.put(hash, Buffer.from(bytes));
    expect(second).toBe(first);
    expect(statSync(path.join(dir, 'uploads', first)).mtimeMs).toBe(mtime);
    expect(await storage.get(second)).toEqual(bytes);
  });

  it('keeps different content apart', async () => {
    const a = Buffer.from('a');
    const b = Buffer.from('b');
    const [ka, kb] = await Promise.all([storage.put(sha256(a), a), storage.put(sha256(b), b)]);
    expect(ka).not.toBe(kb);
    expect(await storage.get(ka)).toEqual(a);
    expect(await storage.get(kb)).toEqual(b);
  });

  it('refuses a hash that does not match the bytes, or is not a sha256', async () => {
    await expect(storage.put(sha256(Buffer.from('x')), Buffer.from('y'))).rejects.toThrow();
    await expect(storage.put('../../etc/passwd', Buffer.from('y'))).rejects.toThrow();
  });

  it('refuses keys that escape the root', async () => {
    writeFileSync(path.join(dir, 'secret'), 'not an upload');
    for (const key of ['../secret', 'sha256/../../secret', path.join(dir, 'secret'), '/etc/passwd', '', '.', 'a\0b']) {
      await expect(storage.get(key), key).rejects.toThrow(/outside the storage root/);
    }
  });

  it('fails on a key it never stored', async () => {
    await expect(storage.get(`sha256/00/${'0'.repeat(64)}`)).rejects.toThrow();
  });
});
