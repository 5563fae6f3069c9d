import { describe, expect, it } from 'vitest';
import { shouldDisableEndpoint, type WebhookEndpointStatus } from '../../domain/webhook-health';

/** API.md: an endpoint that has failed every delivery for 3 days is disabled. */
const HOUR = 3600_000;
const DAYS_3 = 72 * HOUR;
const NOW = Date.parse('2026-12-10T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms);

describe('disabling an endpoint that keeps failing', () => {
  const cases: [string, WebhookEndpointStatus, Date | null, boolean][] = [
    ['never failed (or its last attempt was acknowledged)', 'enabled', null, false],
    ['failing for an hour', 'enabled', ago(HOUR), false],
    ['failing for just under 3 days', 'enabled', ago(DAYS_3 - 1), false],
    ['failing for exactly 3 days', 'enabled', ago(DAYS_3), true],
    ['failing for 4 days', 'enabled', ago(4 * 24 * HOUR), true],
    ['already disabled (disabled once, emailed once)', 'disabled', ago(4 * 24 * HOUR), false],
  ];
  it.each(cases)('%s', (_name, status, failingSince, disable) => {
    expect(shouldDisableEndpoint({ status, failingSince }, NOW, DAYS_3)).toBe(disable);
  });

  it('counts with the configured bound', () => {
    expect(shouldDisableEndpoint({ status: 'enabled', failingSince: ago(2_000) }, NOW, 1_000)).toBe(true);
    expect(shouldDisableEndpoint({ status: 'enabled', failingSince: ago(500) }, NOW, 1_000)).toBe(false);
  });
});
