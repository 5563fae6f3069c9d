// The last step of `npm run build`: bundles the compiled workflows once, into the file a production worker loads.
import { writeFileSync } from 'node:fs';
import { DefaultLogger } from '@temporalio/worker';
import { PREBUILT_WORKFLOW_BUNDLE, bundleWorkflows } from '../worker/workflow-bundle';

async function main() {
  if (!__filename.endsWith('.js')) throw new Error('run the compiled script: npm run build');
  const { code } = await bundleWorkflows(new DefaultLogger('WARN'));
  writeFileSync(PREBUILT_WORKFLOW_BUNDLE, code);
  console.log(`workflow bundle: ${PREBUILT_WORKFLOW_BUNDLE} (${(code.length / 1e6).toFixed(1)} MB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
