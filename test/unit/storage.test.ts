import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskStorage } from '../../adapters/storage';
import { createBytesSealer } from '../../platform/crypto';
import { newId } from '../../platform/ids';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Bytes that say what they are, so a plaintext copy on disk is easy to find. */
const idPhoto = () => Buffer.from(`\x89PNG ID card of 张三 11010519491231002X ${randomBytes(8).toString('hex')}`);

/** Uploads on disk (SPEC §11): one file per upload, sealed; the plaintext is nowhere under the root. */
describe('LocalDiskStorage', () => {
  let dir: string;
  let root: string;
  let storage: LocalDiskStorage;
  const key = randomBytes(32);

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rnv-storage-'));
    root = path.join(dir, 'uploads');
    storage = new LocalDiskStorage(root, createBytesSealer(key));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const onDisk = (storageKey: string) => readFileSync(path.join(root, storageKey));

  it("stores under the upload's own key, sealed, and reads the same bytes back", async () => {
    const bytes = idPhoto();
    const id = newId('upl');
    const stored = await storage.put(id, bytes);
    expect(stored).toBe(`sealed/${id.slice(4, 6)}/${id}`);
    expect(await storage.get(stored)).toEqual(bytes);

    const file = path.join(root, stored);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(onDisk(stored).includes(Buffer.from('11010519491231002X'))).toBe(false);
    expect(onDisk(stored).includes(bytes.subarray(0, 16))).toBe(false);
    // No temp file left behind.
    expect(readdirSync(path.dirname(file))).toEqual([id]);
  });

  it('keeps two uploads of the same bytes (two accounts) in two files, neither holding the plaintext', async () => {
    const bytes = idPhoto();
    const [a, b] = await Promise.all([storage.put(newId('upl'), bytes), storage.put(newId('upl'), Buffer.from(bytes))]);
    expect(a).not.toBe(b);
    expect(onDisk(a).equals(onDisk(b))).toBe(false);
    for (const stored of [a, b]) {
      expect(onDisk(stored).includes(bytes)).toBe(false);
      expect(onDisk(stored).includes(Buffer.from('张三'))).toBe(false);
      expect(await storage.get(stored)).toEqual(bytes);
    }
    // Nothing under the root is named by the content.
    expect(JSON.stringify(readdirSync(root, { recursive: true }))).not.toContain(sha256(bytes));
  });

  it('keeps what a retry (the same upload id) finds stored', async () => {
    const id = newId('upl');
    const bytes = idPhoto();
    const first = await storage.put(id, bytes);
    const sealed = onDisk(first);
    expect(await storage.put(id, Buffer.from(bytes))).toBe(first);
    expect(onDisk(first).equals(sealed)).toBe(true);
  });

  it("does not open a file copied over another upload's, nor one sealed under a key it does not hold", async () => {
    const mine = await storage.put(newId('upl'), idPhoto());
    const theirs = await storage.put(newId('upl'), idPhoto());
    copyFileSync(path.join(root, theirs), path.join(root, mine));
    await expect(storage.get(mine)).rejects.toThrow();
    const stranger = new LocalDiskStorage(root, createBytesSealer(randomBytes(32)));
    await expect(stranger.get(theirs)).rejects.toThrow(/no key/);
    // A key kept in the ring after rotation still opens it.
    const rotated = new LocalDiskStorage(root, createBytesSealer(randomBytes(32), [key]));
    expect((await rotated.get(theirs)).includes(Buffer.from('张三'))).toBe(true);
  });

  it('serves an upload stored before sealing (plaintext under its sha256) as it is', async () => {
    const bytes = idPhoto();
    const legacy = `sha256/${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`;
    mkdirSync(path.dirname(path.join(root, legacy)), { recursive: true });
    writeFileSync(path.join(root, legacy), bytes);
    expect(await storage.get(legacy)).toEqual(bytes);
  });

  it('refuses a key that is not an upload id', async () => {
    for (const id of ['../../etc/passwd', sha256(Buffer.from('x')), 'upl_../../x', 'upl_short', '']) {
      await expect(storage.put(id, Buffer.from('y')), id).rejects.toThrow(/upload id/);
    }
  });

  it('refuses keys that escape the root', async () => {
    writeFileSync(path.join(dir, 'secret'), 'not an upload');
    for (const k of ['../secret', 'sha256/../../secret', path.join(dir, 'secret'), '/etc/passwd', '', '.', 'a\0b']) {
      await expect(storage.get(k), k).rejects.toThrow(/outside the storage root/);
    }
  });

  it('fails on a key it never stored', async () => {
    await expect(storage.get(`sealed/ab/upl_${'a'.repeat(24)}`)).rejects.toThrow();
    await expect(storage.get(`sha256/00/${'0'.repeat(64)}`)).rejects.toThrow();
  });
});
