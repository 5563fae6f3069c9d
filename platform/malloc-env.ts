/**
 * glibc malloc settings for the service's processes, read by glibc as the process starts (the image sets them in the
 * Dockerfile, `npm start` in its children's environment; a value already in the environment wins):
 *
 * - MALLOC_ARENA_MAX: glibc gives every thread that allocates its own 64 MB arena; the worker's threads (the SDK's
 *   Rust runtime, V8's, the workflow thread) then held ~100 MB of half-empty arenas after a burst. Two are enough for
 *   one JavaScript thread (a worker holding 1,000 waiting processes: 442 -> 348 MB RSS).
 * - MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ at 128 kB, fixed: left alone, glibc raises both after a large
 *   block is freed (up to 32 and 64 MB), and the arenas then keep what a burst freed instead of handing it back. A
 *   worker after opening 2,000 waiting processes: arenas 55 -> 37-39 MB resident.
 */
export const MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};
