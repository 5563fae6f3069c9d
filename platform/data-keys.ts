import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ERASED, sealedParts, sealedProcessIds, sealedValue } from '../domain/sealed-value';
import type { PiiCipher } from './crypto';
import { ExpiringCache } from './expiring-cache';

/**
 * Envelope encryption per process (SPEC §11): each process (a verification, a
 * change, a lookup) has its own random 256-bit data key; its personal values
 * are sealed under it field by field (AES-256-GCM, the process id as
 * associated data, so a value moved to another process does not open). The
 * data key is kept wrapped by the master key (the PII cipher, whose key id
 * travels with it: the master key rotates without re-encrypting data), in its
 * own table. Erasing a process destroys its key: every copy of what it sealed
 * — rows, Temporal histories, files — reads as `[erased]` from then on.
 */

export interface StoredDataKey {
  wrappedKey: string | null;
}

/** Where the wrapped keys live (store/data-keys.ts; the composition root wires it). */
export interface DataKeyStore {
  get(processId: string): Promise<StoredDataKey | undefined>;
  /** Several processes' keys in one round trip (a missing one is absent from the map). */
  getMany(processIds: string[]): Promise<Map<string, StoredDataKey>>;
  /** Stores the key unless the process has one; answers the one that holds. */
  insert(key: { processId: string; accountId: string; wrappedKey: string }): Promise<StoredDataKey>;
  erase(processIds: string[], by: string): Promise<number>;
}

export interface ProcessKeys {
  /** Seals a value under the process's key, creating the key on first use. */
  seal(process: { processId: string; accountId: string }, plaintext: string): Promise<string>;
  /** The plaintext, or ERASED when the process's key was destroyed. Throws on a value that is not sealed or was tampered with. */
  open(sealed: string): Promise<string>;
  /** Destroys the processes' keys. */
  erase(processIds: string[], by: string): Promise<number>;
  /**
   * A synchronous reader for the sealed values in `value` (rows, pages of rows): their keys loaded once, so a view can
   * open them as it renders. It opens values sealed the older way (the PII cipher's `v1.…`) too.
   */
  readerFor(value: unknown): Promise<SealedReader>;
}

export interface SealedReader {
  decrypt(sealed: string): string;
}

export class NoDataKey extends Error {
  constructor(processId: string) {
    super(`no data key for ${processId}: nothing was sealed under it`);
  }
}

/** How long an unwrapped key is reused in memory: erasure reaches every process of the service within this. */
export const KEY_CACHE_MS = 10_000;

/**
 * Base64 decoded into a buffer of its own. A small Buffer.from is a slice of one of Node's shared 8 kB slabs, which
 * stays allocated while any slice of it lives: 10,000 cached 32-byte keys kept up to 80 MB of slabs.
 */
export function ownedBytes(base64: string): Buffer {
  const decoded = Buffer.from(base64, 'base64');
  const owned = Buffer.alloc(decoded.length);
  decoded.copy(owned);
  return owned;
}

export function createProcessKeys(deps: { store: DataKeyStore; master: PiiCipher; now?: () => number }): ProcessKeys {
  const now = deps.now ?? Date.now;
  const cache = new ExpiringCache<string, Buffer | null>(KEY_CACHE_MS, 10_000, now);
  const remember = (processId: string, key: Buffer | null) => cache.set(processId, key);
  const unwrap = (stored: StoredDataKey | undefined): Buffer | null | undefined =>
    stored === undefined ? undefined : stored.wrappedKey === null ? null : ownedBytes(deps.master.decrypt(stored.wrappedKey));

  /** The key (null: erased; undefined: none yet). */
  async function keyOf(processId: string): Promise<Buffer | null | undefined> {
    const cached = cache.get(processId);
    if (cached !== undefined) return cached;
    const key = unwrap(await deps.store.get(processId));
    return key === undefined ? undefined : remember(processId, key);
  }

  /** Sealing several values of one process at once looks its key up (or creates it) once. */
  const inFlight = new Map<string, Promise<Buffer | null>>();
  function keyToSeal(processId: string, accountId: string): Promise<Buffer | null> {
    const pending = inFlight.get(processId);
    if (pending) return pending;
    const lookup = (async () => {
      const key = await keyOf(processId);
      if (key !== undefined) return key;
      const wrappedKey = deps.master.encrypt(randomBytes(32).toString('base64'));
      // Another service process may have created it meanwhile: the store answers the key that holds.
      return remember(processId, unwrap(await deps.store.insert({ processId, accountId, wrappedKey }))!);
    })().finally(() => inFlight.delete(processId));
    inFlight.set(processId, lookup);
    return lookup;
  }

  function openWith(key: Buffer, parts: NonNullable<ReturnType<typeof sealedParts>>): string {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts.iv, 'base64url')).setAAD(Buffer.from(parts.processId, 'utf8'));
    decipher.setAuthTag(Buffer.from(parts.tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts.ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  return {
    async seal({ processId, accountId }, plaintext) {
      const key = await keyToSeal(processId, accountId);
      if (key === null) throw new Error(`the data of ${processId} has been erased: nothing more is sealed under it`);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(processId, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return sealedValue({ processId, iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), ciphertext: ciphertext.toString('base64url') });
    },

    async open(sealed) {
      const parts = sealedParts(sealed);
      if (!parts) throw new Error('not a sealed value');
      const key = await keyOf(parts.processId);
      if (key === undefined) throw new NoDataKey(parts.processId);
      if (key === null) return ERASED;
      return openWith(key, parts);
    },

    async readerFor(value) {
      const ids = [...sealedProcessIds(value)];
      const loaded = new Map<string, Buffer | null | undefined>();
      const missing: string[] = [];
      for (const id of ids) {
        const cached = cache.get(id);
        if (cached !== undefined) loaded.set(id, cached);
        else missing.push(id);
      }
      // A page of rows names many processes: their keys come in one query, not one each.
      const stored = missing.length > 0 ? await deps.store.getMany(missing) : new Map<string, StoredDataKey>();
      for (const id of missing) {
        const key = unwrap(stored.get(id));
        loaded.set(id, key === undefined ? undefined : remember(id, key));
      }
      return {
        decrypt(sealed) {
          const parts = sealedParts(sealed);
          if (!parts) return deps.master.decrypt(sealed);
          const key = loaded.get(parts.processId);
          if (key === undefined) throw new NoDataKey(parts.processId);
          return key === null ? ERASED : openWith(key, parts);
        },
      };
    },

    async erase(processIds, by) {
      const erased = await deps.store.erase(processIds, by);
      for (const id of processIds) remember(id, null);
      return erased;
    },
  };
}
