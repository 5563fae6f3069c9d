import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** Where `npm run build` writes the prebuilt workflow bundle: `dist/workflow-bundle.js`, beside the compiled code. */
export const PREBUILT_WORKFLOW_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

/** Bundled with the workflows: the correlation id's way through a run (workflows/kernel/correlation.ts). */
const WORKFLOW_INTERCEPTOR_MODULES = [path.resolve(__dirname, '../workflows/kernel', `correlation${path.extname(__filename)}`)];

/**
 * Compiled code (`node dist/...`) loads the bundle made at build time, so a
 * production worker runs no webpack at start; under tsx (development) there is
 * none and the workflows are bundled from source when the worker is created.
 */
export function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  if (__filename.endsWith('.js') && existsSync(PREBUILT_WORKFLOW_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } };
  return { workflowsPath: require.resolve('../workflows') };
}

/** The one way the workflows are bundled (at build, at a development start, in tests): with their interceptors. */
export function bundleWorkflows(logger: Logger, workflowsPath = require.resolve('../workflows')): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger });
}
