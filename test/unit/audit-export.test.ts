import { describe, expect, it } from 'vitest';
import { exportedDetail, exportedEvent } from '../../api/admin/audit-export';
import type { AuditRow } from '../../store/audit';

const row = (over: Partial<AuditRow>): AuditRow => ({
  seq: '1',
  id: 'aud_1',
  at: new Date('2026-12-01T00:00:00Z'),
  actor_role: 'workflow',
  actor_name: 'verification/ver_1',
  action: 'verification.step',
  resource_kind: 'verification',
  resource_id: 'ver_1',
  account_id: 'acct-1',
  process_id: 'ver_1',
  request_id: null,
  detail: {},
  ...over,
});
const pseudonym = (name: string) => `staff_of_${name.length}`;

describe('an audit event as the export writes it', () => {
  it.each([
    ['a step', { step: 'awaiting_scan' }, { step: 'awaiting_scan' }],
    ['a close', { status: 'failed', failureReason: 'ID_MISMATCH' }, { status: 'failed', failureReason: 'ID_MISMATCH' }],
    ['a claim until', { until: '2026-12-01T00:30:00.000Z' }, { until: '2026-12-01T00:30:00.000Z' }],
    ['numbers, flags and nulls', { accountsFound: 2, newIdentity: true, changeId: null }, { accountsFound: 2, newIdentity: true, changeId: null }],
    ['a key the export does not name', { realName: 'ZHANG', note: 'x' }, {}],
    ['free text under a named key', { status: '张三 身份证 110101199003074514' }, {}],
    ['a nested value', { step: { name: 'x' } }, {}],
  ])('%s', (_name, detail, expected) => {
    expect(exportedDetail(detail)).toEqual(expected);
  });

  it('replaces a reviewer’s or admin’s name, as actor or as a staff token’s subject, and keeps the rest', () => {
    expect(exportedEvent(row({ actor_role: 'reviewer', actor_name: '王芳', action: 'review.decided' }), pseudonym).actor).toEqual({ role: 'reviewer', name: 'staff_of_2' });
    const minted = exportedEvent(row({ actor_role: 'admin', actor_name: 'admin', resource_kind: 'staff', resource_id: '李四' }), pseudonym);
    expect(minted.actor.name).toBe('staff_of_5');
    expect(minted.resource).toEqual({ kind: 'staff', id: 'staff_of_2' });
    expect(exportedEvent(row({}), pseudonym)).toMatchObject({ id: 'aud_1', at: '2026-12-01T00:00:00.000Z', actor: { role: 'workflow', name: 'verification/ver_1' }, accountId: 'acct-1' });
  });
});
