// The side load of `npm run bench` and the soak: GETs at a fixed rate, open loop (each fired on time whether or not
// the previous one answered, so a slow server shows as latency, not as fewer calls), timed in a process of its own:
// its clock is not held up by the load this process drives (20 verification lanes parsing and sending in one event
// loop), only by the server and the machine, as a separate client's would be.
import { fork } from 'node:child_process';
import { once } from 'node:events';

interface Loop {
  ratePerSecond: number;
  urls: string[];
  headers: Record<string, string>;
}

export interface ReadLoopResult {
  latencies: number[];
  failures: number;
}

/** GETs `urls` (one at random each time) at `ratePerSecond` from when it answers; `stop()` waits for those in flight. */
export async function startReadLoop(ratePerSecond: number, urls: string[], headers: Record<string, string>): Promise<{ stop(): Promise<ReadLoopResult> }> {
  // The same module run as a child (with this process's node flags: under tsx, its loader).
  const child = fork(__filename, [READ_LOOP_ARG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit').then(([code]) => Promise.reject(new Error(`the read loop exited (${String(code)}) before it reported`)));
  exited.catch(() => undefined); // it exits once it has reported: only a race with a reply may see this
  const reply = async () => ((await Promise.race([once(child, 'message'), exited])) as unknown[])[0];
  const started = reply();
  child.send({ ratePerSecond, urls, headers } satisfies Loop);
  await started;
  return {
    async stop() {
      const report = reply();
      child.send('stop');
      return (await report) as ReadLoopResult;
    },
  };
}

function runLoop({ ratePerSecond, urls, headers }: Loop): void {
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let failures = 0;
  const fire = () => {
    const t0 = performance.now();
    const p = fetch(urls[Math.floor(Math.random() * urls.length)]!, { headers })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - t0);
        else failures++;
      })
      .catch(() => void failures++)
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const timer = setInterval(fire, 1000 / ratePerSecond);
  process.send!('started');
  process.once('message', () => {
    clearInterval(timer);
    void Promise.all(pending).then(() => process.send!({ latencies, failures } satisfies ReadLoopResult, () => process.exit(0)));
  });
}

const READ_LOOP_ARG = '--bench-read-loop';
if (process.argv.includes(READ_LOOP_ARG)) process.once('message', (loop) => runLoop(loop as Loop));
