import type { Knex } from 'knex';
import type { OcrProvider, OcrReading } from '../types';

interface OcrReadingRow {
  sha256: string;
  enterprise_name: string;
  credit_code: string;
  updated_at: Date;
}

/** What a real OCR engine would answer for an image the sandbox was told about. */
const KNOWN_CONFIDENCE = 0.98;
/** An image nobody described: the engine "reads" nothing it would vouch for. */
const UNKNOWN: OcrReading = { enterpriseName: '', creditCode: '', confidence: 0.1 };

/** Sandbox OCR: the reading of each image is set beforehand through the sandbox API, keyed by the image's sha256. */
export class SandboxOcrProvider implements OcrProvider {
  constructor(private readonly db: Knex) {}

  async readBusinessLicense(image: { sha256: string; bytes: Buffer }): Promise<OcrReading> {
    const row = await this.db<OcrReadingRow>('sandbox_ocr_readings').where({ sha256: image.sha256 }).first();
    if (!row) return { ...UNKNOWN };
    return { enterpriseName: row.enterprise_name, creditCode: row.credit_code, confidence: KNOWN_CONFIDENCE };
  }

  async setReading(sha256: string, reading: { enterpriseName: string; creditCode: string }): Promise<void> {
    await this.db('sandbox_ocr_readings')
      .insert({ sha256, enterprise_name: reading.enterpriseName, credit_code: reading.creditCode })
      .onConflict('sha256')
      .merge({ enterprise_name: reading.enterpriseName, credit_code: reading.creditCode, updated_at: this.db.fn.now() });
  }
}
