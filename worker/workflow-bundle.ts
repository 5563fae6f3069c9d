import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

/** What the workflow code is made of: every source folder the workflows can import from, and the locked packages. */
const BUNDLE_INPUTS = ['workflows', 'domain', 'contracts', 'platform', 'views', 'adapters', 'store', 'activities', 'webhooks', 'worker'];

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|json)$/.test(entry.name) ? [full] : [];
  });
}

/** A digest of the bundle's inputs: any change to a source file or to package-lock.json makes another bundle. */
function inputsDigest(root: string): string {
  const hash = createHash('sha256');
  const files = [...BUNDLE_INPUTS.flatMap((dir) => sourceFiles(path.join(root, dir))), path.join(root, 'package-lock.json'), path.join(root, 'tsconfig.json')].sort();
  for (const file of files) hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 24);
}

/**
 * Under tsx (a checkout's `npm start`, and its worker restarted by the supervisor): the bundle of these very sources,
 * kept in node_modules/.cache by a digest of them, so only the first start after a change runs webpack (seconds of
 * CPU, and memory the worker then keeps). A bundle found is exactly what bundling now would make of the same inputs.
 */
export async function cachedBundle(logger: Logger): Promise<{ code: string }> {
  const root = path.resolve(__dirname, '..');
  const dir = path.join(root, 'node_modules', '.cache', 'realname-workflows');
  const file = path.join(dir, `bundle-${inputsDigest(root)}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  const { code } = await bundleWorkflows(logger);
  mkdirSync(dir, { recursive: true });
  // Written whole, then renamed: two workers starting at once never read half a bundle.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  return { code };
}
