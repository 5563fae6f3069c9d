import { MALLOC_ENV } from '../../platform/malloc-env';

/**
 * What the image (Dockerfile, runtime stage) sets for every role beyond the service's own configuration, so that
 * the soak runs the worker as deployed. test/unit/compose.test.ts checks the Dockerfile sets each of these.
 */
export const IMAGE_RUNTIME_ENV: Readonly<Record<string, string>> = { ...MALLOC_ENV };
