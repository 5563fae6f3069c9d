import type { OcrReading } from '../adapters/types';
import { ERASED } from '../domain/sealed-value';
import type { Db } from '../platform/db';

/** Uploaded files' records (the bytes are in file storage): written by the API, read by the processes that use them. */

export interface UploadRow<Purpose extends string = string> {
  id: string;
  account_id: string;
  purpose: Purpose;
  content_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  ocr: OcrReading | null;
  created_at: Date;
  /** When retention or closure erased it (SPEC §11); its file may take a moment longer to go (store/upload-erasure.ts). */
  erased_at: Date | null;
  /** When retention last found a process holding personal data that uses it. */
  in_use_checked_at: Date | null;
}

/** Erased (SPEC §11): its file deleted or about to be, the row kept as a placeholder. */
export const isErasedUpload = (row: Pick<UploadRow, 'storage_key' | 'erased_at'>): boolean => row.erased_at !== null || row.storage_key === ERASED;

/** Once per id: the same seed always describes the same bytes, so a retry finds its row. */
export async function insertUpload(db: Db, row: Omit<UploadRow, 'ocr' | 'created_at' | 'erased_at' | 'in_use_checked_at'>): Promise<void> {
  await db('uploads').insert(row).onConflict('id').ignore();
}

export const uploadById = <Purpose extends string = string>(db: Db, id: string): Promise<UploadRow<Purpose> | undefined> =>
  db<UploadRow<Purpose>>('uploads').where({ id }).first();

/** What OCR read from a business licence, kept beside the upload (it only pre-fills and informs); an erased upload keeps none. */
export async function recordOcrReading(db: Db, uploadId: string, reading: OcrReading): Promise<void> {
  await db('uploads').where({ id: uploadId }).whereNull('erased_at').update({ ocr: JSON.stringify(reading) });
}

/** Every upload of an account, oldest first (the right of access lists them). */
export const uploadsOfAccount = (db: Db, accountId: string): Promise<UploadRow[]> => db<UploadRow>('uploads').where({ account_id: accountId }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
