import type { Db } from '../../platform/db';
import * as readings from '../../store/sandbox/ocr-readings';
import type { OcrProvider, OcrReading } from '../types';

/** What a real OCR engine would answer for an image the sandbox was told about. */
const KNOWN_CONFIDENCE = 0.98;
/** An image nobody described: the engine "reads" nothing it would vouch for. */
const UNKNOWN: OcrReading = { enterpriseName: '', creditCode: '', confidence: 0.1 };

/** Sandbox OCR: the reading of each image is set beforehand through the sandbox API, keyed by the image's sha256. */
export class SandboxOcrProvider implements OcrProvider {
  constructor(private readonly db: Db) {}

  async readBusinessLicense(image: { sha256: string; bytes: Buffer }): Promise<OcrReading> {
    const row = await readings.readingOf(this.db, image.sha256);
    if (!row) return { ...UNKNOWN };
    return { enterpriseName: row.enterprise_name, creditCode: row.credit_code, confidence: KNOWN_CONFIDENCE };
  }

  async setReading(sha256: string, reading: { enterpriseName: string; creditCode: string }): Promise<void> {
    await readings.setReading(this.db, sha256, reading);
  }
}
