import type { Request } from 'express';
import busboy from 'busboy';
import { z } from 'zod';
import { appError } from '../../domain/errors';
import { fieldErrors, validationError, type FieldError } from './problem';

/**
 * A multipart/form-data body with one file (`file`) and a few text fields:
 * streamed through busboy, keeping at most the size limit of file bytes in
 * memory; a declared length beyond the limit is refused before reading. Used
 * as a route's body reader (http/route.ts), so a form route authenticates,
 * replays, audits and documents itself like any other.
 */

export interface FormFile {
  filename: string;
  bytes: Buffer;
}

export interface FormOptions<F extends z.ZodType<Record<string, unknown>>> {
  /** The text fields, closed: an unknown field is reported by its own name. */
  fields: F;
  maxFileBytes: number;
  /** Room for the form's other parts beyond the file. */
  overheadBytes: number;
}

/** After a refusal, how many times the file limit is swallowed so the client can read the answer, before the connection is cut. */
const DISCARD_FACTOR = 4;

const notMultipart = () => validationError([{ path: '', message: 'expected a multipart/form-data body' }]);
const malformed = () => validationError([{ path: '', message: 'the multipart/form-data body is malformed' }]);

interface ParsedForm {
  fields: Record<string, string>;
  file?: FormFile;
  errors: FieldError[];
}

/**
 * Stops parsing but swallows what the client is still sending: most clients
 * (fetch among them) only read the answer once their body is written, and a
 * cut connection would leave them with EPIPE instead of the problem document.
 */
function discardRest(req: Request, limit: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) req.socket.destroy();
  });
  req.resume();
}

function parse(req: Request, maxFileBytes: number, tooLarge: () => Error): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // busboy counts a file of exactly the limit as truncated: one byte more, and `limit` means too large.
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes + 1, files: 1, fields: 5, fieldSize: 1024, parts: 8 } });
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
      discardRest(req, DISCARD_FACTOR * maxFileBytes);
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

/** Reads and validates the form: its fields, and the one file it must carry. Every problem with the form is reported at once. */
export function readForm<F extends z.ZodType<Record<string, unknown>>>(options: FormOptions<F>) {
  const tooLarge = () => appError('UPLOAD_TOO_LARGE', `An upload is at most ${options.maxFileBytes} bytes (${options.maxFileBytes / 1024 / 1024} MB).`);
  return async (req: Request): Promise<z.infer<F> & { file: FormFile }> => {
    if (!req.is('multipart/form-data')) throw notMultipart();
    if (Number(req.get('content-length') ?? 0) > options.maxFileBytes + options.overheadBytes) {
      discardRest(req, DISCARD_FACTOR * options.maxFileBytes);
      throw tooLarge();
    }
    const form = await parse(req, options.maxFileBytes, tooLarge);
    // A text part named `file` is reported below, as the missing file it should have been.
    const { file: _textFile, ...texts } = form.fields;
    const fields = options.fields.safeParse(texts);
    const errors = [...form.errors, ...(fields.success ? [] : formErrors(fields.error))];
    if (!form.file) errors.push({ path: 'file', message: 'a file is required' });
    if (errors.length > 0 || !fields.success || !form.file) throw validationError(errors);
    return { ...fields.data, file: form.file };
  };
}
