import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preloadedModules } from '../../worker/workflow-bundle';
import { bundleWorkflows } from '../support/temporal-test-env';

const DOMAIN = path.resolve(__dirname, '../../domain');

/** The module ids the bundle's preloadModules() requires, in order. */
function preloadedIn(code: string): string[] {
  const body = /exports\.preloadModules = function preloadModules\(\) \{([\s\S]*?)\n\}/.exec(code)?.[1] ?? '';
  return [...body.matchAll(/__webpack_require__\([^)]*?"([^"]+)"\)/g)].map((m) => m[1]!);
}

describe('the workflow bundle', () => {
  it('shares the pure domain rules and the holiday tables between runs (preloaded once per workflow thread)', async () => {
    const domainFiles = readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'));
    expect(preloadedModules()).toEqual(['chinese-days/dist/chinese-days.json', ...domainFiles.sort().map((f) => path.join(DOMAIN, f))]);

    const { code } = await bundleWorkflows();
    const preloaded = preloadedIn(code);
    expect(preloaded).toEqual(['./node_modules/chinese-days/dist/chinese-days.json', ...domainFiles.sort().map((f) => `./domain/${f}`)]);
    // Workflow code itself is never shared: each run evaluates its own.
    expect(preloaded.some((id) => id.startsWith('./workflows/'))).toBe(false);
  });
});
