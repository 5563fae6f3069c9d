import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { niced } from '../../platform/priority';
import { threadNiceness } from '../support/thread-niceness';

describe('niced', () => {
  it('leaves a command as it is at niceness 0', () => {
    expect(niced('/usr/bin/node', ['-e', '1'], 0)).toEqual({ command: '/usr/bin/node', args: ['-e', '1'] });
    expect(niced('/usr/bin/node', ['-e', '1'], undefined)).toEqual({ command: '/usr/bin/node', args: ['-e', '1'] });
  });

  it('runs it through nice(1) otherwise', () => {
    const run = niced('/usr/bin/node', ['-e', '1'], 5);
    expect(run.command).toMatch(/\/nice$/);
    expect(run.args).toEqual(['-n', '5', '/usr/bin/node', '-e', '1']);
  });

  // Linux keeps a nice value per thread, in /proc: elsewhere there is nothing to read it from.
  it.skipIf(os.platform() !== 'linux')('lowers every thread of the process, those it starts early and late', async () => {
    const script = "new (require('node:worker_threads').Worker)('setTimeout(() => {}, 5000)', { eval: true }); setTimeout(() => process.stdout.write('up'), 300); setTimeout(() => {}, 5000);";
    // nice adds to the niceness it starts at (this test's); 5 if that is the default.
    const own = os.getPriority();
    const lowered = Math.min(19, own + 5);
    const run = niced(process.execPath, ['-e', script], 5);
    const child = spawn(run.command, run.args, { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const threads = threadNiceness(child.pid!);
      // V8's platform threads, libuv's, the worker thread: all of them.
      expect(threads.length).toBeGreaterThan(4);
      expect(new Set(threads)).toEqual(new Set([lowered]));
      // What setpriority on a running process's pid did instead: its main thread only.
      const plain = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise((resolve) => plain.stdout.once('data', resolve));
        os.setPriority(plain.pid!, lowered);
        const mixed = threadNiceness(plain.pid!);
        expect(mixed[0]).toBe(lowered);
        expect(mixed).toContain(own);
      } finally {
        plain.kill();
      }
    } finally {
      child.kill();
    }
  });
});
