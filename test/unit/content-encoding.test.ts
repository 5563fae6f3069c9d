import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseEncoding, compressText } from '../../api/http/compressed';

describe('chooseEncoding', () => {
  it.each([
    // What browsers send: gzip listed first, br with the same weight, and br is smaller.
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip, deflate, br', 'br'],
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['deflate', 'identity'],
    [undefined, 'identity'],
    ['', 'identity'],
    ['identity', 'identity'],
    // Weights: a client that prefers gzip, or refuses br, gets gzip; one that refuses both gets the bytes as they are.
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0, br;q=0', 'identity'],
    ['BR;Q=1, GZIP;Q=0.5', 'br'],
    ['*', 'br'],
    ['*;q=0.1, br;q=0', 'gzip'],
    ['br;q=nonsense, gzip', 'gzip'],
  ])('%j → %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});

describe('compressText', () => {
  it('keeps the text in each encoding, the compressed ones smaller', async () => {
    const text = `${'实名认证 Real-name verification. '.repeat(200)}`;
    const asset = await compressText(text);
    expect(asset.identity.toString('utf8')).toBe(text);
    expect(brotliDecompressSync(asset.br).toString('utf8')).toBe(text);
    expect(gunzipSync(asset.gzip).toString('utf8')).toBe(text);
    expect(asset.br.length).toBeLessThan(asset.identity.length / 4);
    expect(asset.gzip.length).toBeLessThan(asset.identity.length / 4);
  });
});
