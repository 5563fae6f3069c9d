import { createHash } from 'node:crypto';
import type { FileStorage, OcrProvider, OcrReading } from '../../adapters/types';
import { appError } from '../../domain/errors';
import type { Db } from '../../platform/db';
import { idFromSeed, newId } from '../../platform/ids';
import { insertUpload, isErasedUpload, recordOcrReading, uploadById, type UploadRow } from '../../store/uploads';
import type { Principal } from '../http/auth';
import { validationError } from '../http/problem';
import { AccountId } from '../http/schemas';

export const UPLOAD_PURPOSES = [
  'business_license',
  'id_photo_emblem',
  'id_photo_portrait',
  'change_application_form',
  'deregistration_proof',
  'name_change_proof',
  'current_license',
] as const;
export type UploadPurpose = (typeof UPLOAD_PURPOSES)[number];

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

const IMAGES = ['image/jpeg', 'image/png'] as const;
const ALLOWED_TYPES: Record<UploadPurpose, readonly string[]> = {
  business_license: IMAGES,
  id_photo_emblem: IMAGES,
  id_photo_portrait: IMAGES,
  change_application_form: [...IMAGES, 'application/pdf'],
  deregistration_proof: IMAGES,
  name_change_proof: IMAGES,
  current_license: IMAGES,
};

export const isUploadPurpose = (value: string): value is UploadPurpose => (UPLOAD_PURPOSES as readonly string[]).includes(value);

export interface UploadView {
  id: string;
  purpose: UploadPurpose;
  contentType: string;
  size: number;
  sha256: string;
}

/** An upload as another service needs it: its own view plus what OCR read from it, if anything. */
export interface UploadRecord extends UploadView {
  accountId: string;
  ocr: OcrReading | null;
}

export interface CreateUploadInput {
  /** Required for service and admin tokens; an account token's own account otherwise. */
  accountId?: string;
  purpose: string;
  /** Never decides the type: only the bytes do. */
  filename?: string;
  bytes: Buffer;
  /** From an Idempotency-Key reservation: a retry after a crash reaches the same upload id. */
  seed?: string;
}

const view = (row: Pick<UploadRow<UploadPurpose>, 'id' | 'purpose' | 'content_type' | 'size' | 'sha256'>): UploadView => ({
  id: row.id,
  purpose: row.purpose,
  contentType: row.content_type,
  size: Number(row.size),
  sha256: row.sha256,
});

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

// file-type is ESM-only; loaded once, on first use.
let fileType: Promise<typeof import('file-type')> | undefined;

/** The leading bytes of the types uploads may have, for files too short or too damaged for file-type to parse. */
const SIGNATURES: readonly { mime: string; bytes: Buffer }[] = [
  { mime: 'image/png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mime: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff]) },
  { mime: 'application/pdf', bytes: Buffer.from('%PDF-', 'latin1') },
];

/** The file's type from its bytes, never its name: file-type's reading, else the format's signature. */
export async function detectMime(bytes: Buffer): Promise<string | undefined> {
  fileType ??= import('file-type');
  const detected = (await (await fileType).fileTypeFromBuffer(bytes))?.mime;
  // An animated PNG is a PNG.
  if (detected === 'image/apng') return 'image/png';
  return detected ?? SIGNATURES.find((s) => bytes.subarray(0, s.bytes.length).equals(s.bytes))?.mime;
}

/** The account an upload goes to: an account token's own (its route refused another's); service and admin must name one. */
function uploadAccount(principal: Principal, requested: string | undefined): string {
  if (principal.role === 'account') return principal.accountId;
  if (requested === undefined) throw validationError([{ path: 'accountId', message: 'required with a service or admin token' }]);
  const parsed = AccountId.safeParse(requested);
  if (!parsed.success) throw validationError([{ path: 'accountId', message: parsed.error.issues[0]?.message ?? 'invalid account id' }]);
  return parsed.data;
}

/**
 * Throws 422 (at `path`) unless the upload exists, belongs to the account and
 * has one of the purposes: how a submission's references to uploads are checked.
 */
export async function assertUploadOf(
  db: Db,
  accountId: string,
  uploadId: string,
  purposes: readonly string[],
  path: string,
): Promise<UploadRecord> {
  const row = await uploadById<UploadPurpose>(db, uploadId);
  if (!row || row.account_id !== accountId) throw validationError([{ path, message: 'no such upload for this account' }]);
  // Retention deleted its file (SPEC §11): no process may take it up again.
  if (isErasedUpload(row)) throw validationError([{ path, message: 'this upload was erased; upload the file again' }]);
  if (!purposes.includes(row.purpose)) {
    throw validationError([{ path, message: `the upload's purpose is ${row.purpose}; expected ${purposes.join(' or ')}` }]);
  }
  return { ...view(row), accountId: row.account_id, ocr: row.ocr ?? null };
}

export function buildUploadService(deps: { db: Db; storage: FileStorage; ocr: OcrProvider }) {
  const { db, storage, ocr } = deps;

  /** An upload by id (whose account its route admitted: another account's answered 404 there, as a missing one does here). */
  async function existing(id: string): Promise<UploadRow<UploadPurpose>> {
    const row = await uploadById<UploadPurpose>(db, id);
    if (!row) throw appError('NOT_FOUND', 'No such upload.');
    return row;
  }

  return {
    async create(principal: Principal, input: CreateUploadInput): Promise<UploadView> {
      const accountId = uploadAccount(principal, input.accountId);
      const purpose = input.purpose;
      if (!isUploadPurpose(purpose)) {
        throw validationError([{ path: 'purpose', message: `one of ${UPLOAD_PURPOSES.join(', ')}` }]);
      }
      if (input.bytes.length > MAX_UPLOAD_BYTES) throw appError('UPLOAD_TOO_LARGE', `An upload is at most ${MAX_UPLOAD_BYTES} bytes (5 MB).`);
      if (input.bytes.length === 0) throw validationError([{ path: 'file', message: 'the file is empty' }]);

      const contentType = await detectMime(input.bytes);
      const allowed = ALLOWED_TYPES[purpose];
      if (!contentType || !allowed.includes(contentType)) {
        const names = allowed.map((t) => t.split('/')[1]!.toUpperCase().replace('JPEG', 'JPG')).join(', ');
        throw appError('UPLOAD_TYPE_NOT_ALLOWED', `A ${purpose} upload must be ${names}; the file's content is ${contentType ?? 'not a recognised type'}.`);
      }

      // The answer's sha256 is the content's (the sandbox OCR is keyed by it); the stored file is this upload's alone.
      const sha256 = sha256Of(input.bytes);
      const id = input.seed ? idFromSeed('upl', input.seed) : newId('upl');
      const storageKey = await storage.put(id, input.bytes);
      const row = { id, account_id: accountId, purpose, content_type: contentType, size: input.bytes.length, sha256, storage_key: storageKey };
      // The same seed always describes the same bytes (the request hash covers them): a retry finds its row.
      await insertUpload(db, row);
      return view(row);
    },

    /** The account an upload belongs to (undefined: no such upload): what its routes decide access on. */
    ownerOf: async (id: string): Promise<string | undefined> => (await uploadById(db, id))?.account_id,

    async content(id: string): Promise<{ contentType: string; bytes: Buffer }> {
      const row = await existing(id);
      // Retention or account closure deleted the file (SPEC §11): the row stays, as a placeholder.
      if (isErasedUpload(row)) throw appError('NOT_FOUND', 'This upload was erased.');
      return { contentType: row.content_type, bytes: await storage.get(row.storage_key) };
    },

    assertUploadOf: (accountId: string, uploadId: string, purposes: readonly string[], path: string) =>
      assertUploadOf(db, accountId, uploadId, purposes, path),

    /** Runs OCR on a business licence and keeps the reading beside the upload (SPEC §4: it only pre-fills). */
    async readBusinessLicense(uploadId: string): Promise<OcrReading> {
      const row = await existing(uploadId);
      if (row.purpose !== 'business_license') {
        throw validationError([{ path: 'uploadId', message: `the upload's purpose is ${row.purpose}; expected business_license` }]);
      }
      if (isErasedUpload(row)) throw appError('NOT_FOUND', 'This upload was erased.');
      const reading = await ocr.readBusinessLicense({ sha256: row.sha256, bytes: await storage.get(row.storage_key) });
      const result: OcrReading = { enterpriseName: reading.enterpriseName, creditCode: reading.creditCode, confidence: reading.confidence };
      await recordOcrReading(db, row.id, result);
      return result;
    },
  };
}

export type UploadService = ReturnType<typeof buildUploadService>;
