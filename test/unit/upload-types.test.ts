import { describe, expect, it } from 'vitest';
import { detectMime } from '../../api/uploads/service';
import { png } from '../../scripts/lib/files';

const pad = (head: number[] | string, length = 64) => {
  const start = typeof head === 'string' ? Buffer.from(head, 'latin1') : Buffer.from(head);
  return Buffer.concat([start, Buffer.alloc(length)]);
};

describe('an upload’s type is read from its bytes', () => {
  it.each([
    ['a well-formed PNG', png(), 'image/png'],
    ['a PNG signature followed by padding', pad([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    ['a JPEG start-of-image marker followed by padding', pad([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    ['a PDF header', pad('%PDF-1.7\n'), 'application/pdf'],
    ['a GIF', pad('GIF89a'), 'image/gif'],
    ['plain text', Buffer.from('hello, this is not an image'), undefined],
    ['a truncated PNG signature', Buffer.from([0x89, 0x50, 0x4e, 0x47]), undefined],
    ['zeros', Buffer.alloc(128), undefined],
  ])('%s', async (_label, bytes, mime) => {
    expect(await detectMime(bytes)).toBe(mime);
  });
});
