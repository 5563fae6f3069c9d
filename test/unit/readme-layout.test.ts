import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error eslint.config.mjs is plain JavaScript without type declarations.
import { LAYERS } from '../../eslint.config.mjs';

/**
 * The README's Layout table is drawn from the lint rule that enforces it
 * (LAYERS in eslint.config.mjs): a layer changed in one and not the other
 * fails here.
 */
const root = path.resolve(__dirname, '../..');

function readmeLayers(): Record<string, { uses: string[]; types: string[] }> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const table = /<!-- layers:start -->([\s\S]*?)<!-- layers:end -->/.exec(readme)?.[1];
  if (!table) throw new Error('README.md has no layers table');
  const list = (cell: string) => (cell.trim() === '—' ? [] : cell.split(',').map((f) => f.trim()));
  const rows = table.split('\n').filter((line) => line.startsWith('| `'));
  return Object.fromEntries(
    rows.map((line) => {
      const [, folder, uses, types] = line.split('|');
      return [folder!.trim().replace(/[`/]/g, ''), { uses: list(uses!), types: list(types!) }];
    }),
  );
}

describe("README's Layout", () => {
  const layers = LAYERS as Record<string, { uses: string[]; types: string[] }>;

  it('lists every layer the lint rule knows, with the same imports', () => {
    const documented = readmeLayers();
    const enforced = Object.fromEntries(Object.entries(layers).filter(([folder]) => folder !== 'scripts').map(([folder, l]) => [folder, { uses: [...l.uses].sort(), types: [...l.types].sort() }]));
    const shown = Object.fromEntries(Object.entries(documented).map(([folder, l]) => [folder, { uses: [...l.uses].sort(), types: [...l.types].sort() }]));
    expect(shown).toEqual(enforced);
  });

  it('gives every top-level folder of TypeScript a layer', () => {
    const hasTypeScript = (dir: string): boolean =>
      readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasTypeScript(path.join(dir, e.name)) : e.name.endsWith('.ts')));
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'dist', 'data', 'test'].includes(e.name))
      .filter((e) => hasTypeScript(path.join(root, e.name)))
      .map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(layers).sort());
  });
});
