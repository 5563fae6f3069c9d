import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * The Temporal SDK's own metrics (workflow and activity task latencies, slots,
 * polls, sticky cache…) come from its core runtime's Prometheus exporter. It
 * listens on loopback only; each process appends that text to its own
 * `/metrics`, so one scrape per process has everything.
 */

/** A free port on loopback (0 → the kernel's pick). */
export async function loopbackPort(requested: number): Promise<number> {
  if (requested > 0) return requested;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Runtime.install's telemetry for the SDK's exporter on this port. */
export const sdkMetricsTelemetry = (port: number) => ({
  metrics: { prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true, useSecondsForDurations: true } },
});

/**
 * A worker running on its own serves `/metrics` (its series and the SDK's) on
 * WORKER_METRICS_PORT. A port already taken is logged, never fatal: the
 * worker's job is the work.
 */
export function serveWorkerMetrics(metrics: Metrics, options: { host: string; port: number; logger: Logger }): Promise<() => Promise<void>> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
      return;
    }
    metrics.render().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message),
    );
  });
  return new Promise((resolve) => {
    const close = () => new Promise<void>((done) => server.close(() => done()));
    server.once('error', (err) => {
      options.logger.error({ err, port: options.port }, 'the worker metrics endpoint could not listen; the worker runs without it');
      resolve(async () => undefined);
    });
    server.listen(options.port, options.host, () => {
      options.logger.info({ url: `http://${options.host}:${(server.address() as AddressInfo).port}/metrics` }, 'worker metrics');
      resolve(close);
    });
  });
}
