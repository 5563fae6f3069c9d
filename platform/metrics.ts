import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RETENTION_CATEGORIES } from '../domain/retention';
import type { ConnectionPool } from './db';

/**
 * The service's Prometheus metrics. One scrape of a process's `/metrics` has
 * its own series and, appended, the Temporal SDK's (the core runtime's
 * exporter, bound on loopback; see platform/sdk-metrics.ts).
 */

export interface OpenProcessCount {
  kind: 'verification' | 'change';
  /** A verification's method, a change's type. */
  method: string;
  step: string;
  count: number;
}

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  /** Counted once per process, when its terminal write committed (not per activity attempt). */
  verificationOutcomes: Counter<'method' | 'status' | 'reason'>;
  changeOutcomes: Counter<'type' | 'status' | 'reason'>;
  callbacks: Counter<'provider' | 'outcome'>;
  /** Rows retention's schedules deleted, processes and uploads they erased (SPEC §11), by category; each series is there from the start, at 0. */
  retentionDeleted: Counter<'category'>;
  /** Open reviews past their due time (SPEC §6), counted when scraped. */
  registerOverdueReviews(count: () => Promise<number>): void;
  /** Open processes by kind, method and step, from the read model when scraped. */
  registerOpenProcesses(counts: () => Promise<OpenProcessCount[]>): void;
  /** Money received and not yet settled for good, by ledger state (a refund the bank refused waits for an operator), when scraped. */
  registerUnsettledMoney(counts: () => Promise<{ state: string; count: number; fen: number }[]>): void;
  /** The database pool: connections in use and idle, queries waiting for one, and how long each waited. */
  registerDbPool(pool: ConnectionPool): void;
  /** The Temporal SDK's exporter to append to every scrape. */
  appendSdkMetrics(url: string): void;
  /** The scrape: this process's series, then the SDK's. */
  render(): Promise<string>;
}

const SDK_SCRAPE_TIMEOUT_MS = 1_000;

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sdkUrl: string | undefined;
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const retentionDeleted = counter('retention_deleted_total', 'Rows deleted, processes and uploads erased by retention (SPEC §11), by category', ['category']);
  for (const category of RETENTION_CATEGORIES) retentionDeleted.inc({ category }, 0);
  return {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    verificationOutcomes: counter('verification_outcomes_total', 'Verifications that reached a terminal status', ['method', 'status', 'reason']),
    changeOutcomes: counter('change_outcomes_total', 'Changes of subject that reached a terminal status', ['type', 'status', 'reason']),
    callbacks: counter('provider_callbacks_total', 'Provider callbacks received, by outcome', ['provider', 'outcome']),
    retentionDeleted,
    registerOverdueReviews(count) {
      new Gauge({
        name: 'reviews_overdue',
        help: 'Open reviews past their due time',
        registers: [registry],
        async collect() {
          this.set(await count());
        },
      });
    },
    registerOpenProcesses(counts) {
      new Gauge({
        name: 'open_processes',
        help: 'Verifications and changes in progress, by kind, method (a change: its type) and step',
        labelNames: ['kind', 'method', 'step'],
        registers: [registry],
        async collect() {
          const rows = await counts();
          // Steps nobody is in any more disappear from the scrape.
          this.reset();
          for (const row of rows) this.set({ kind: row.kind, method: row.method, step: row.step }, row.count);
        },
      });
    },
    registerUnsettledMoney(counts) {
      const gauge = (name: string, help: string, pick: (row: { count: number; fen: number }) => number) =>
        new Gauge({
          name,
          help,
          labelNames: ['state'],
          registers: [registry],
          async collect() {
            const rows = await counts();
            this.reset();
            for (const row of rows) this.set({ state: row.state }, pick(row));
          },
        });
      gauge('money_unsettled_transfers', 'Transfers received and not settled for good (held by an open recharge, kept for a switch, being refunded, or refused by the bank)', (r) => r.count);
      gauge('money_unsettled_fen', 'Their amount in fen', (r) => r.fen);
    },
    registerDbPool(pool) {
      new Gauge({
        name: 'db_pool_connections',
        help: 'Database connections of this process, by state (used, free, and pending: queries waiting for one)',
        labelNames: ['state'],
        registers: [registry],
        collect() {
          this.set({ state: 'used' }, pool.numUsed());
          this.set({ state: 'free' }, pool.numFree());
          this.set({ state: 'pending' }, pool.numPendingAcquires());
        },
      });
      const waited = new Histogram({
        name: 'db_pool_acquire_seconds',
        help: 'How long a query waited for a database connection',
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        registers: [registry],
      });
      const asked = new Map<number, number>();
      pool.on('acquireRequest', (id) => asked.set(id, performance.now()));
      const done = (id: number) => {
        const at = asked.get(id);
        if (at === undefined) return;
        asked.delete(id);
        waited.observe((performance.now() - at) / 1000);
      };
      pool.on('acquireSuccess', done);
      pool.on('acquireFail', (id) => asked.delete(id));
    },
    appendSdkMetrics(url) {
      sdkUrl = url;
    },
    async render() {
      const own = await registry.metrics();
      if (!sdkUrl) return own;
      const sdk = await fetch(sdkUrl, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) })
        .then((res) => (res.ok ? res.text() : ''))
        .catch(() => '');
      return sdk ? `${own}\n# The Temporal SDK's series (core runtime).\n${sdk}` : own;
    },
  };
}
