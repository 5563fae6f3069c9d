import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The pages' sources (TypeScript with JSX for Preact), bundled into one script the browser loads. */
export const PAGES_ENTRY = path.join(__dirname, 'app', 'main.tsx');
/** Where `npm run build` writes the bundle (dist/api/pages/static/app.js, beside the page's other static files). */
export const BUILT_BUNDLE = path.join(__dirname, 'static', 'app.js');

/** esbuild's options for the pages: one minified ES module for current browsers, JSX through Preact. */
export function bundleOptions(entry: string) {
  return {
    entryPoints: [entry],
    bundle: true,
    format: 'esm' as const,
    target: ['chrome100', 'safari15', 'firefox100'],
    minify: true,
    jsx: 'automatic' as const,
    jsxImportSource: 'preact',
    legalComments: 'none' as const,
    logLevel: 'silent' as const,
  };
}

/**
 * The pages' script: the built bundle when there is one (a production build), else bundled now from the sources (a
 * checkout run with tsx: `npm start`, the tests), so the pages never lag behind their sources. esbuild is a build tool
 * (a devDependency), loaded only in that case.
 */
export async function pagesScript(): Promise<string> {
  if (existsSync(BUILT_BUNDLE)) return readFileSync(BUILT_BUNDLE, 'utf8');
  // Named by a variable so that a production build, which never gets here, does not list esbuild among what it loads.
  const tool = 'esbuild';
  const esbuild = (await import(tool).catch(() => {
    throw new Error(`The applicant's pages are not built (${BUILT_BUNDLE}) and esbuild is not installed: run \`npm run build\`.`);
  })) as typeof import('esbuild');
  const result = await esbuild.build({ ...bundleOptions(PAGES_ENTRY), write: false });
  return result.outputFiles[0]!.text;
}
