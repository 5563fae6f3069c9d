import type { Db } from '../../platform/db';

/** What the sandbox OCR reads from an image (adapters/sandbox/ocr.ts), set beforehand through the sandbox API, keyed by the image's sha256. */

export interface OcrReadingRow {
  sha256: string;
  enterprise_name: string;
  credit_code: string;
  updated_at: Date;
}

export const readingOf = (db: Db, sha256: string): Promise<OcrReadingRow | undefined> => db<OcrReadingRow>('sandbox_ocr_readings').where({ sha256 }).first();

export async function setReading(db: Db, sha256: string, reading: { enterpriseName: string; creditCode: string }): Promise<void> {
  await db('sandbox_ocr_readings')
    .insert({ sha256, enterprise_name: reading.enterpriseName, credit_code: reading.creditCode })
    .onConflict('sha256')
    .merge({ enterprise_name: reading.enterpriseName, credit_code: reading.creditCode, updated_at: db.fn.now() });
}
