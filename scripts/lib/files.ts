/** Sample uploads and the multipart upload call a console makes: shared by the end-to-end tests and the benchmarks. */
import { randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 1×1 RGB PNG; the text chunk makes each one's bytes (and sha256) unique. */
export function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('tEXt', Buffer.from(`Comment\0${randomUUID()}`, 'latin1')),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0xd0, 0x20, 0x20]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** POST /v1/uploads as a console would (multipart), returning the upload's id and sha256. */
export async function uploadFile(baseUrl: string, accountId: string, purpose: string, bytes: Buffer = png(), token = 'dev-service-key') {
  const body = new FormData();
  body.append('purpose', purpose);
  body.append('accountId', accountId);
  body.append('file', new Blob([new Uint8Array(bytes)]), `${purpose}.png`);
  const res = await fetch(`${baseUrl}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
  const json = (await res.json()) as { id: string; sha256: string };
  if (res.status !== 201) throw new Error(`upload failed ${res.status}: ${JSON.stringify(json)}`);
  return json;
}
