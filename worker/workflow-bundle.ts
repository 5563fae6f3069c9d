import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** Where `npm run build` writes the prebuilt workflow bundle: `dist/workflow-bundle.js`, beside the compiled code. */
export const PREBUILT_WORKFLOW_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

const EXT = path.extname(__filename);

/** Bundled with the workflows: the correlation id's way through a run (workflows/kernel/correlation.ts). */
const WORKFLOW_INTERCEPTOR_MODULES = [path.resolve(__dirname, '../workflows/kernel', `correlation${EXT}`)];

/**
 * Loaded once per workflow thread and shared by every run, instead of once per
 * run: the pure rules of `domain/` (no I/O, no module state; the SDK freezes
 * what it shares) and the holiday tables behind business days. Without this,
 * every run re-evaluated them, parsing the holiday JSON and building its sets
 * again (CPU on every new run, memory in every cached one).
 */
export function preloadedModules(): string[] {
  const domain = path.resolve(__dirname, '../domain');
  const rules = readdirSync(domain)
    .filter((file) => file.endsWith(EXT) && !file.endsWith(`.d${EXT}`))
    .sort()
    .map((file) => path.join(domain, file));
  return ['chinese-days/dist/chinese-days.json', ...rules];
}

/**
 * Compiled code (`node dist/...`) loads the bundle made at build time, so a
 * production worker runs no webpack at start; under tsx (development) there is
 * none and the workflows are bundled from source when the worker is created.
 */
export function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (__filename.endsWith('.js') && existsSync(PREBUILT_WORKFLOW_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } };
  return { workflowsPath: require.resolve('../workflows') };
}

/**
 * The one way the workflows are bundled (at build, at a development start, in tests): with their interceptors and
 * shared modules. `observers`: interceptor modules a test adds to watch what the workflows do.
 */
export function bundleWorkflows(logger: Logger, workflowsPath = require.resolve('../workflows'), observers: string[] = []): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...observers], preloadModules: preloadedModules(), logger });
}
