// A step of `npm run build`, run with tsx from the sources (esbuild is a build tool, so this script is not compiled
// into dist/): bundles the applicant's pages into dist/api/pages/static/app.js, which the built API serves.
import path from 'node:path';
import { build } from 'esbuild';
import { bundleOptions, PAGES_ENTRY } from '../api/pages/bundle';

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'api', 'pages', 'static', 'app.js');

build({ ...bundleOptions(PAGES_ENTRY), outfile: out }).then(
  () => console.log(`pages bundle: ${path.relative(root, out)}`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
