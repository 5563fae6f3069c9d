import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  verificationOutcomes: Counter<'method' | 'status' | 'reason'>;
  callbacks: Counter<'provider' | 'outcome'>;
  /** Open reviews past their due time (SPEC §6), counted when scraped. */
  registerOverdueReviews(count: () => Promise<number>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    verificationOutcomes: new Counter({
      name: 'verification_outcomes_total',
      help: 'Verifications that reached a terminal status',
      labelNames: ['method', 'status', 'reason'],
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'provider_callbacks_total',
      help: 'Provider callbacks received, by outcome',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
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
  };
}
