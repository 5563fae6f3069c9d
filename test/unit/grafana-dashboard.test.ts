import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../platform/metrics';

/** The Grafana dashboard in deploy/grafana plots only series the service (or the Temporal SDK) exports. */
const dashboard = JSON.parse(readFileSync(path.join(__dirname, '../../deploy/grafana/realname-verification.json'), 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
};
const PROMQL_WORDS = new Set(['sum', 'max', 'rate', 'increase', 'histogram_quantile']);
// Series the core runtime exports (seen in a worker's scrape, test/e2e/metrics.test.ts checks some of them).
const SDK = /^temporal_(workflow_task_execution_latency|workflow_task_schedule_to_start_latency|activity_execution_latency|worker_task_slots_available|worker_task_slots_used|sticky_cache_size|num_pollers)(_bucket)?$/;

describe('the Grafana dashboard', () => {
  it('every query names a series that is exported', async () => {
    const metrics = createMetrics();
    metrics.registerOverdueReviews(async () => 0);
    metrics.registerOpenProcesses(async () => []);
    const own = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const exported = (name: string) => own.has(name) || own.has(name.replace(/_(bucket|count|sum)$/, '')) || SDK.test(name);
    const named = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.replace(/\b(by|without) \([^)]*\)|\{[^}]*\}|"[^"]*"|\[[^\]]*\]/g, '').match(/[a-z_][a-z0-9_]*/g) ?? []));
    const series = [...new Set(named.filter((word) => !PROMQL_WORDS.has(word) && word.includes('_')))];
    expect(series.length).toBeGreaterThan(8);
    expect(series.filter((name) => !exported(name))).toEqual([]);
  });
});
