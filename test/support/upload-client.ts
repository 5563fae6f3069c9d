import { png } from '../../scripts/lib/files';
import { KEYS, type HttpResult } from './http';

// ---- real files, built from bytes

/** SOI, a JFIF APP0 segment, EOI. */
export const jpeg = () => Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

/** One empty page, with a correct cross-reference table. */
export function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A PNG followed by zeros up to `size` bytes: still recognised as PNG. */
export const paddedPng = (size: number) => {
  const head = png();
  return Buffer.concat([head, Buffer.alloc(size - head.length)]);
};

// ---- the multipart client

export interface UploadForm {
  file?: { bytes: Buffer; name: string; type?: string };
  purpose?: string;
  accountId?: string;
}

/** POST /v1/uploads with the form as given (any part may be missing), answered as parsed JSON. */
export function uploadTo(baseUrl: string) {
  return async (form: UploadForm, options: { token?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> => {
    const body = new FormData();
    if (form.purpose !== undefined) body.append('purpose', form.purpose);
    if (form.accountId !== undefined) body.append('accountId', form.accountId);
    // The declared type is deliberately generic: the server must judge by the bytes.
    if (form.file) body.append('file', new Blob([new Uint8Array(form.file.bytes)], { type: form.file.type ?? 'application/octet-stream' }), form.file.name);
    const res = await fetch(`${baseUrl}/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token ?? KEYS.service}`, ...options.headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/** GET /v1/uploads/{id}/content: status, headers and the bytes. */
export async function content(baseUrl: string, id: string, token: string = KEYS.service) {
  const res = await fetch(`${baseUrl}/v1/uploads/${id}/content`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}
