/**
 * Names compared for an ICP filing (SPEC §2: the verified name must equal the
 * filing entity's name). NFKC folds the full-width forms Chinese registrations
 * mix freely — （） and (), full-width letters and digits — and whitespace runs
 * collapse; anything else must be identical.
 */
export function normalizeEntityName(raw: string): string {
  return raw.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

export function sameEntityName(a: string, b: string): boolean {
  return normalizeEntityName(a) === normalizeEntityName(b);
}
