import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import busboy from 'busboy';
import { z } from 'zod';
import { appError } from '../../domain/errors';
import { principalKey, type Role } from '../http/auth';
import { IDEMPOTENCY_HEADER, IdempotencyKeyHeader, requestHash, validateKey } from '../http/idempotency';
import { fieldErrors, validationError, type FieldError } from '../http/problem';
import { responsesOf } from '../http/responses';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';
import { auditRequest } from '../http/audit';
import { AccountId } from '../http/schemas';
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

const UPLOAD_ROLES: Role[] = ['service', 'account', 'admin'];
/** Room for the form's other parts: a declared length beyond the file limit plus this is refused before reading. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** After a refusal, how much more of the body is swallowed so the client can read the answer, before the connection is cut. */
const DISCARD_LIMIT = 4 * MAX_UPLOAD_BYTES;

interface ParsedForm {
  fields: Record<string, string>;
  file?: { filename: string; bytes: Buffer };
  errors: FieldError[];
}

const tooLarge = () => appError('UPLOAD_TOO_LARGE', `An upload is at most ${MAX_UPLOAD_BYTES} bytes (5 MB).`);
const notMultipart = () => validationError([{ path: '', message: 'expected a multipart/form-data body' }]);
const malformed = () => validationError([{ path: '', message: 'the multipart/form-data body is malformed' }]);

/**
 * Stops parsing but swallows what the client is still sending: most clients
 * (fetch among them) only read the answer once their body is written, and a
 * cut connection would leave them with EPIPE instead of the problem document.
 */
function discardRest(req: Request): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT) req.socket.destroy();
  });
  req.resume();
}

/** Streams the form through busboy, keeping at most the size limit of file bytes in memory. */
function readForm(req: Request): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // busboy counts a file of exactly the limit as truncated: one byte more, and `limit` means too large.
        limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 5, fieldSize: 1024, parts: 8 },
      });
    } catch {
      reject(notMultipart());
      return;
    }
    const form: ParsedForm = { fields: {}, errors: [] };
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      discardRest(req);
      reject(err);
    };

    parser.on('file', (name, stream, info) => {
      // busboy fails a file stream cut short (end of form mid-file); unheard, that error would end the process.
      stream.on('error', () => fail(malformed()));
      if (name !== 'file') {
        form.errors.push({ path: name, message: 'unexpected file; send it as `file`' });
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge()));
      stream.on('end', () => {
        if (!stream.truncated) form.file = { filename: info.filename ?? '', bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) form.errors.push({ path: name, message: 'too long' });
      else form.fields[name] = value;
    });
    parser.on('filesLimit', () => fail(validationError([{ path: 'file', message: 'send exactly one file' }])));
    parser.on('fieldsLimit', () => fail(validationError([{ path: '', message: 'too many form fields' }])));
    parser.on('partsLimit', () => fail(validationError([{ path: '', message: 'too many form parts' }])));
    parser.on('error', () => fail(malformed()));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      resolve(form);
    });
    // A client that goes away mid-body: nobody reads the answer, but the promise must settle.
    const cutShort = () => fail(validationError([{ path: '', message: 'the request body ended early' }]));
    req.on('error', cutShort);
    req.on('close', () => {
      if (!req.complete) cutShort();
    });
    req.pipe(parser);
  });
}

/** The form's field errors, an unknown field by its own name. */
function formErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => ({ path: key, message: 'unexpected field' })) : fieldErrors(new z.ZodError([issue]), 'body'),
  );
}

function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  const isProblem = status >= 400 && !!body && typeof body === 'object' && 'code' in body;
  res.status(status).type(isProblem ? 'application/problem+json' : 'application/json').send(JSON.stringify(body));
}

export function uploadRoutes(deps: RouteDeps, uploads: UploadService): void {
  deps.registry.registerPath({
    method: 'post',
    path: '/v1/uploads',
    summary: 'Upload a file (licence, ID photo, form)',
    description:
      'multipart/form-data. The type is decided by the bytes, never the file name: JPG or PNG for every purpose, PDF too for change_application_form (else 415 UPLOAD_TYPE_NOT_ALLOWED). At most 5 MB (else 413 UPLOAD_TOO_LARGE).',
    tags: ['uploads'],
    security: [{ bearer: [] }],
    'x-roles': UPLOAD_ROLES,
    request: {
      headers: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKeyHeader }),
      body: {
        required: true,
        content: { 'multipart/form-data': { schema: UploadForm, encoding: { file: { contentType: 'image/jpeg, image/png, application/pdf' } } } },
      },
    },
    responses: responsesOf(
      {
        201: { description: 'The upload', schema: UploadSchema },
        413: { description: 'UPLOAD_TOO_LARGE: the file is over 5 MB' },
        415: { description: 'UPLOAD_TYPE_NOT_ALLOWED: the bytes are not an allowed type for this purpose' },
        422: { description: 'VALIDATION_FAILED: not multipart, no file, or accountId missing with a service or admin token' },
      },
      { auth: UPLOAD_ROLES, body: UploadForm, idempotent: true },
    ),
  });

  deps.app.post('/v1/uploads', async (req, res) => {
    const principal = await deps.auth.authenticate(req);
    if (!UPLOAD_ROLES.includes(principal.role)) throw appError('FORBIDDEN', `This endpoint is for: ${UPLOAD_ROLES.join(', ')}.`);
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key !== undefined) validateKey(key);
    if (!req.is('multipart/form-data')) throw notMultipart();
    if (Number(req.get('content-length') ?? 0) > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD) {
      discardRest(req);
      throw tooLarge();
    }

    const form = await readForm(req);
    // A text part named `file` is reported below, as the missing file it should have been.
    const { file: _textFile, ...texts } = form.fields;
    const fields = UploadFields.safeParse(texts);
    const errors = [...form.errors, ...(fields.success ? [] : formErrors(fields.error))];
    if (!form.file) errors.push({ path: 'file', message: 'a file is required' });
    if (errors.length > 0 || !fields.success || !form.file) throw validationError(errors);
    const input = { ...fields.data, filename: form.file.filename, bytes: form.file.bytes };
    const create = async (seed?: string) => {
      const upload = await uploads.create(principal, seed === undefined ? input : { ...input, seed });
      const request = { principal, params: {}, body: fields.data, requestId: res.locals.correlationId as string | undefined, owner: async () => fields.data.accountId };
      await auditRequest(deps.db, { action: 'upload.created' }, request, upload);
      return upload;
    };

    if (key === undefined) {
      sendJson(res, 201, await create());
      return;
    }
    const scope = principalKey(principal);
    const sha256 = createHash('sha256').update(input.bytes).digest('hex');
    const hash = requestHash(req.method, req.path, { purpose: input.purpose, accountId: input.accountId, sha256 });
    const answer = await deps.idempotency.execute(scope, key, hash, async (seed) => ({ status: 201, body: await create(seed) }));
    sendJson(res, answer.status, answer.body, answer.replayed ? { 'Idempotent-Replayed': 'true' } : undefined);
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
    responses: { 200: { description: 'The bytes, as uploaded' } },
    handler: async ({ principal, params, res }) => {
      const { contentType, bytes } = await uploads.content(principal, params.id);
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
    responses: {
      200: { description: 'What OCR read', schema: OcrReadingSchema },
      404: { description: 'NOT_FOUND: no such upload (or another account’s, for an account token)' },
      422: { description: 'VALIDATION_FAILED: the upload’s purpose is not business_license' },
      503: { description: 'PROVIDER_UNAVAILABLE: the OCR provider cannot be reached' },
    },
    handler: async ({ principal, body }) => ({ status: 200, body: await uploads.readBusinessLicense(principal, body.uploadId) }),
  });
}
