/**
 * A personal value sealed under its process's data key (SPEC §11), as it sits
 * in a table, a workflow payload or a file name: `pd1.<processId>.<iv>.<tag>.<ciphertext>`
 * (base64url parts). The process id travels with the value, so whoever holds
 * the value knows which key opens it — and once that key is destroyed, that
 * nothing does. Recognising one needs no key: the codec finds them in any JSON.
 */

export const SEALED_PREFIX = 'pd1';
/** What shows where a sealed value was whose key has been destroyed. */
export const ERASED = '[erased]';
/** What shows for a sealed value that no key of this service opens. */
export const UNREADABLE = '[sealed]';

const PROCESS_ID = /^[a-z]{3}_[A-Za-z0-9]{8,64}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;

export interface SealedParts {
  processId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export function sealedParts(value: string): SealedParts | null {
  const parts = value.split('.');
  if (parts.length !== 5 || parts[0] !== SEALED_PREFIX) return null;
  const [, processId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  if (!PROCESS_ID.test(processId) || !B64URL.test(iv) || !B64URL.test(tag) || !(ciphertext === '' || B64URL.test(ciphertext))) return null;
  return { processId, iv, tag, ciphertext };
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && sealedParts(value) !== null;

export const sealedValue = (p: SealedParts): string => [SEALED_PREFIX, p.processId, p.iv, p.tag, p.ciphertext].join('.');

/** Every sealed value anywhere in a JSON value, with the process ids whose keys open them. */
export function sealedProcessIds(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const parts = sealedParts(value);
    if (parts) into.add(parts.processId);
  } else if (Array.isArray(value)) for (const item of value) sealedProcessIds(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) sealedProcessIds(item, into);
  return into;
}

/** Opens every sealed value in a JSON value (strings elsewhere stay as they are). */
export async function openAll<T>(value: T, open: (sealed: string) => Promise<string>): Promise<T> {
  if (isSealed(value)) return (await open(value)) as T;
  if (Array.isArray(value)) return (await Promise.all(value.map((item: unknown) => openAll(item, open)))) as T;
  if (value && typeof value === 'object') {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await openAll(v, open)] as const));
    return Object.fromEntries(entries) as T;
  }
  return value;
}

/** Opens every sealed value in a JSON value with a reader that already holds their keys (a view rendering a row). */
export function openAllWith<T>(value: T, open: (sealed: string) => string): T {
  if (isSealed(value)) return open(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => openAllWith(item, open)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, openAllWith(v, open)])) as T;
  return value;
}

/** The objects of a subject, request or applicant that are people: their `name` is a person's name. */
const PEOPLE = new Set(['contact', 'legalPerson', 'handler', 'holder', 'newPerson', 'formerLegalPerson', 'newLegalPerson']);

/**
 * A display form (a subject, a request, an applicant) with every person's name
 * sealed (SPEC §11: names are shown unmasked, but sealed at rest like the rest):
 * `realName` wherever it sits, and the `name` of a person (the contact, a legal
 * person, the handler, a change's holder or new person). An enterprise's own
 * name is not a person's and stays as it is; a name already sealed keeps its seal.
 */
export async function sealNames<T>(value: T, seal: (plaintext: string) => Promise<string>, person = false): Promise<T> {
  if (Array.isArray(value)) return (await Promise.all(value.map((item: unknown) => sealNames(item, seal, person)))) as T;
  if (!value || typeof value !== 'object') return value;
  const entries = await Promise.all(
    Object.entries(value).map(async ([key, inner]) => {
      const isName = key === 'realName' || (person && key === 'name');
      if (isName && typeof inner === 'string' && inner !== ERASED && !isSealed(inner)) return [key, await seal(inner)] as const;
      return [key, await sealNames(inner, seal, PEOPLE.has(key))] as const;
    }),
  );
  return Object.fromEntries(entries) as T;
}

/**
 * A display form built from opened values, with each person's name put back as it came sealed in `sealed` (the same
 * value before opening): whose key a name is sealed under decides which erasure reaches it, so the display keeps it.
 */
export function keepSealedNames<T>(display: T, sealed: unknown, person = false): T {
  if (Array.isArray(display)) return display.map((item: unknown, i) => keepSealedNames(item, Array.isArray(sealed) ? sealed[i] : undefined, person)) as T;
  if (!display || typeof display !== 'object') return display;
  const source = (sealed && typeof sealed === 'object' ? sealed : {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(display).map(([key, inner]) => {
      const isName = key === 'realName' || (person && key === 'name');
      if (isName && isSealed(source[key])) return [key, source[key]];
      return [key, keepSealedNames(inner, source[key], PEOPLE.has(key))];
    }),
  ) as T;
}
