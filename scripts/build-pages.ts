// A step of `npm run build`: bundles the applicant's pages into dist/api/pages/static/app.js, which the built API serves.
import path from 'node:path';
import { build } from 'esbuild';
import { BUILT_BUNDLE, bundleOptions } from '../api/pages/bundle';

async function main() {
  if (!__filename.endsWith('.js')) throw new Error('run the compiled script: npm run build');
  // dist/scripts/build-pages.js → the sources' api/pages/app/main.tsx (the build does not compile them: esbuild does).
  const source = path.resolve(__dirname, '..', '..', 'api', 'pages', 'app', 'main.tsx');
  await build({ ...bundleOptions(source), outfile: BUILT_BUNDLE });
  console.log(`pages bundle: ${BUILT_BUNDLE}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
