import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript: it runs before node_modules (and TypeScript) exist
import { packagesStale } from '../../scripts/ensure-setup.mjs';

describe('npm start / npm test bring in the npm packages when', () => {
  it.each([
    ['node_modules is missing', { lockfile: 1000, installed: undefined }, 'node_modules is missing'],
    ['the lockfile changed since the install', { lockfile: 2000, installed: 1000 }, 'package-lock.json is newer than node_modules'],
    ['the install is newer than the lockfile', { lockfile: 1000, installed: 2000 }, null],
    ['there is no lockfile', { lockfile: undefined, installed: 1000 }, null],
  ])('%s', (_, times, expected) => {
    expect(packagesStale(times)).toBe(expected);
  });
});
