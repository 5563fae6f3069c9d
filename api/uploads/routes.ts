import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AccountId } from '../http/schemas';
import { readForm } from '../http/multipart';
import { defineRoute, type BodyReader, type RouteDeps } from '../http/route';
import { MAX_UPLOAD_BYTES, UPLOAD_PURPOSES, type UploadService } from './service';

export const UploadId = z.string().regex(/^upl_[A-Za-z0-9]{8,64}$/, 'an upload id looks like upl_…');

export const UploadSchema = z
  .object({
    id: UploadId,
    purpose: z.enum(UPLOAD_PURPOSES),
    contentType: z.enum(['image/jpeg', 'image/png', 'application/pdf']).meta({ description: 'Detected from the bytes, never the file name' }),
    size: z.number().int().meta({ description: 'Bytes' }),
    sha256: z.string().meta({ description: 'Hex SHA-256 of the bytes' }),
  })
  .meta({ id: 'Upload' });

// Closed: the form carries these and the file, nothing else (the parser also caps the parts).
const UploadFields = z.strictObject({
  purpose: z.enum(UPLOAD_PURPOSES),
  accountId: AccountId.optional().meta({ description: 'Required for service and admin tokens; an account token uploads to its own account' }),
});

// Declared required: service and admin tokens must name the account; an account token may leave it out (its own).
const UploadForm = UploadFields.extend({
  accountId: AccountId.meta({ description: 'The account the file belongs to. An account token may leave it out: it uploads to its own account.' }),
  file: z.string().meta({ format: 'binary', minLength: 1, description: 'JPG or PNG (PDF too for change_application_form), at most 5 MB; not empty' }),
}).meta({ id: 'UploadForm' });

const OcrRequest = z.object({ uploadId: UploadId }).meta({ id: 'OcrBusinessLicenseRequest' });
const OcrReadingSchema = z
  .object({
    enterpriseName: z.string(),
    creditCode: z.string(),
    confidence: z.number().min(0).max(1).meta({ description: 'Below 0.5 the reading should not pre-fill anything' }),
  })
  .meta({ id: 'OcrReading' });

/** Room for the form's other parts: a declared length beyond the file limit plus this is refused before reading. */
const MULTIPART_OVERHEAD = 64 * 1024;

const readUploadForm = readForm({ fields: UploadFields, maxFileBytes: MAX_UPLOAD_BYTES, overheadBytes: MULTIPART_OVERHEAD });

/** The form as a route body: declared as multipart, replayed on its fields and the file's digest (not its bytes). */
const uploadForm: BodyReader<Awaited<ReturnType<typeof readUploadForm>>> = {
  content: { 'multipart/form-data': { schema: UploadForm, encoding: { file: { contentType: 'image/jpeg, image/png, application/pdf' } } } },
  read: readUploadForm,
  fingerprint: ({ purpose, accountId, file }) => ({ purpose, accountId, sha256: createHash('sha256').update(file.bytes).digest('hex') }),
};

export function uploadRoutes(deps: RouteDeps, uploads: UploadService): void {
  defineRoute(deps, {
    method: 'post',
    path: '/v1/uploads',
    summary: 'Upload a file (licence, ID photo, form)',
    description:
      'multipart/form-data. The type is decided by the bytes, never the file name: JPG or PNG for every purpose, PDF too for change_application_form (else 415 UPLOAD_TYPE_NOT_ALLOWED). At most 5 MB (else 413 UPLOAD_TOO_LARGE).',
    tags: ['uploads'],
    auth: ['service', 'account', 'admin'],
    body: uploadForm,
    bodyOwner: (form) => form.accountId,
    idempotent: true,
    audit: { action: 'upload.created' },
    responses: {
      201: { description: 'The upload', schema: UploadSchema },
      413: { description: 'UPLOAD_TOO_LARGE: the file is over 5 MB' },
      415: { description: 'UPLOAD_TYPE_NOT_ALLOWED: the bytes are not an allowed type for this purpose' },
      422: { description: 'VALIDATION_FAILED: not multipart, no file, or accountId missing with a service or admin token' },
    },
    handler: async ({ principal, body, seed }) => {
      const { file, ...fields } = body;
      return { status: 201, body: await uploads.create(principal, { ...fields, filename: file.filename, bytes: file.bytes, seed }) };
    },
  });

  defineRoute(deps, {
    method: 'get',
    path: '/v1/uploads/{id}/content',
    summary: "An upload's bytes",
    description:
      'Answered with the Content-Type detected at upload (image/jpeg, image/png or application/pdf). For the owner account, service, reviewer and admin; another account gets 404.',
    tags: ['uploads'],
    auth: ['service', 'account', 'reviewer', 'admin'],
    params: z.object({ id: UploadId }),
    owner: ({ id }) => uploads.ownerOf(id!),
    responses: { 200: { description: 'The bytes, as uploaded' } },
    handler: async ({ params, res }) => {
      const { contentType, bytes } = await uploads.content(params.id);
      res
        .status(200)
        .set({
          'Content-Type': contentType,
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
          'Content-Disposition': 'inline',
          // A polyglot opened directly (a PDF with script, a PNG with markup after its end) runs nothing.
          'Content-Security-Policy': "sandbox; default-src 'none'",
        })
        .send(bytes);
      return undefined;
    },
  });

  defineRoute(deps, {
    method: 'post',
    path: '/v1/ocr/business-license',
    audit: false,
    summary: 'Read a business licence upload',
    description: 'Pre-fills the enterprise name and credit code; the values the user submits count. The reading is kept with the upload.',
    tags: ['uploads'],
    auth: ['service', 'account', 'admin'],
    body: OcrRequest,
    bodyOwner: ({ uploadId }) => uploads.ownerOf(uploadId),
    responses: {
      200: { description: 'What OCR read', schema: OcrReadingSchema },
      404: { description: 'NOT_FOUND: no such upload (or another account’s, for an account token)' },
      422: { description: 'VALIDATION_FAILED: the upload’s purpose is not business_license' },
      503: { description: 'PROVIDER_UNAVAILABLE: the OCR provider cannot be reached' },
    },
    handler: async ({ body }) => ({ status: 200, body: await uploads.readBusinessLicense(body.uploadId) }),
  });
}
