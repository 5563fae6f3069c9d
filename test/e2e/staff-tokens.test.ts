import { describe, expect, inject, it } from 'vitest';
import { http, KEYS, uniqueAccount } from '../support/http';

/** Named reviewers and admins (API.md "Admin"): tokens minted by admins, acting under their name. */
const api = http(inject('baseUrl'));

async function staffToken(role: 'reviewer' | 'admin', name: string, ttlSeconds = 600) {
  const res = await api.post('/v1/admin/staff-tokens', { role, name, ttlSeconds }, { token: KEYS.admin });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(Date.parse(res.body.expiresAt) - Date.now()).toBeGreaterThan((ttlSeconds - 5) * 1000);
  return res.body.token as string;
}

describe('staff tokens', () => {
  it('a named reviewer works the queue and nothing else; a named admin acts as admin under its name', async () => {
    const reviewer = await staffToken('reviewer', '王芳');
    expect((await api.get('/v1/reviews', { token: reviewer })).status).toBe(200);
    expect((await api.get('/v1/admin/audit-events', { token: reviewer })).status).toBe(403);
    expect((await api.post('/v1/admin/staff-tokens', { role: 'admin', name: 'mallory' }, { token: reviewer })).status).toBe(403);
    expect((await api.get(`/v1/accounts/${uniqueAccount()}`, { token: reviewer })).status).toBe(403);

    const admin = await staffToken('admin', 'ops.lead@example.com');
    const accountId = uniqueAccount('staff');
    expect((await api.post('/v1/admin/account-tokens', { accountId, ttlSeconds: 60 }, { token: admin })).status).toBe(201);
    const events = (await api.get(`/v1/admin/audit-events?accountId=${accountId}`, { token: admin })).body.items;
    expect(events).toEqual([expect.objectContaining({ action: 'account_token.minted', actor: { role: 'admin', name: 'ops.lead@example.com' } })]);
    const minted = (await api.get('/v1/admin/audit-events?limit=100', { token: KEYS.admin })).body.items.find(
      (e: { action: string; resource: { id: string } }) => e.action === 'staff_token.minted' && e.resource.id === '王芳',
    );
    expect(minted).toMatchObject({ actor: { role: 'admin', name: 'admin' }, resource: { kind: 'staff', id: '王芳' } });
    expect(JSON.stringify(minted)).not.toContain(reviewer);
  });

  it('only admins mint them, names are checked, and a tampered one is refused', async () => {
    for (const token of [KEYS.service, KEYS.reviewer]) {
      expect((await api.post('/v1/admin/staff-tokens', { role: 'reviewer', name: 'x' }, { token })).status).toBe(403);
    }
    for (const body of [{ role: 'reviewer', name: '' }, { role: 'reviewer', name: ' padded' }, { role: 'service', name: 'x' }, { role: 'reviewer', name: 'a'.repeat(65) }, { role: 'reviewer', name: 'x', ttlSeconds: 5 }]) {
      const res = await api.post('/v1/admin/staff-tokens', body, { token: KEYS.admin });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const shortLived = await staffToken('reviewer', 'temp', 60);
    const [header, payload, signature] = shortLived.split('.');
    // A token whose payload was changed (here: a later expiry) fails its signature.
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number };
    forged.exp += 3600;
    const tampered = [header, Buffer.from(JSON.stringify(forged)).toString('base64url'), signature].join('.');
    expect((await api.get('/v1/reviews', { token: tampered })).status).toBe(401);
  });
});
