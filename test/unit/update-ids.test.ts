import express from 'express';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../api/http/auth';
import type { RouteDeps } from '../../api/http/route';
import { changeRoutes } from '../../api/changes/routes';
import { reviewRoutes } from '../../api/reviews/routes';
import { verificationRoutes } from '../../api/verifications/routes';
import { mainlandId } from '../support/http';
import { CHANGE_ID, recordingTemporal, REVIEW_ID, servicesOver, updateTimedOut, VERIFICATION_ID } from '../support/temporal-double';

/**
 * One request, one effect (SPEC §10): every POST that acts on a process takes
 * an Idempotency-Key, and the Update it sends carries an id derived from the
 * request's seed (per key), so Temporal applies a retried request's Update once.
 */
const service: Principal = { role: 'service' };
const reviewer: Principal = { role: 'reviewer', name: 'reviewer-1' };
const upload = (n: number) => `upl_${String(n).repeat(24)}`;

type Services = ReturnType<typeof servicesOver>;
type Act = (s: Services, seed: string) => Promise<unknown>;

// POST /v1/changes/{id}/new-subject is left out: its body passes the registry and OCR checks of a
// verification before anything is sent. It sends through the same updateProcess as the others.
const ACTIONS: [string, string, Act][] = [
  ['/v1/verifications/{id}/qr', 'refreshQr', (s, seed) => s.verifications.refreshQr(service, VERIFICATION_ID, seed)],
  ['/v1/verifications/{id}/remittance-amount', 'submitAmount', (s, seed) => s.verifications.submitAmount(service, VERIFICATION_ID, '1.00', seed)],
  ['/v1/verifications/{id}/materials', 'resubmitMaterials', (s, seed) => s.verifications.resubmitMaterials(service, VERIFICATION_ID, { handler: { name: '张三', idNumber: mainlandId() } }, seed)],
  ['/v1/verifications/{id}/cancel', 'cancel', (s, seed) => s.verifications.cancel(service, VERIFICATION_ID, seed)],
  [
    '/v1/changes/{id}/materials',
    'submitChangeMaterials',
    (s, seed) => s.changes.submitMaterials(service, CHANGE_ID, { materials: { change_application_form: upload(1), name_change_proof: upload(2), current_license: upload(3) } }, seed),
  ],
  ['/v1/changes/{id}/revoke', 'revokeChange', (s, seed) => s.changes.revoke(service, CHANGE_ID, seed)],
  ['/v1/changes/{id}/qr', 'refreshQr', (s, seed) => s.changes.refreshQr(service, CHANGE_ID, seed)],
  ['/v1/reviews/{id}/claim', 'claimReview', (s, seed) => s.reviews.claim(reviewer, REVIEW_ID, seed)],
  ['/v1/reviews/{id}/release', 'releaseReview', (s, seed) => s.reviews.release(reviewer, REVIEW_ID, seed)],
  ['/v1/reviews/{id}/decision', 'decideReview', (s, seed) => s.reviews.decide(reviewer, REVIEW_ID, { decision: 'approve' }, seed)],
];

describe('the Update a request sends', () => {
  it.each(ACTIONS)('POST %s sends %s under an id of its seed: the same for a retry, another for another request', async (_path, update, act) => {
    // Every attempt runs past its deadline (503): what matters is what was sent.
    const { client, sent } = recordingTemporal(updateTimedOut);
    const services = servicesOver(client);
    for (const seed of ['seed-1', 'seed-1', 'seed-2']) await expect(act(services, seed)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    expect(sent.map((s) => s.update)).toEqual([update, update, update]);
    const [first, retry, other] = sent.map((s) => s.updateId);
    expect(first).toEqual(expect.any(String));
    expect(retry).toBe(first);
    expect(other).toEqual(expect.any(String));
    expect(other).not.toBe(first);
  });
});

describe('the OpenAPI document', () => {
  it('declares Idempotency-Key on every POST that acts on a process', () => {
    const registry = new OpenAPIRegistry();
    const deps = { app: express(), registry } as unknown as RouteDeps;
    const { verifications, changes, reviews } = servicesOver(recordingTemporal(updateTimedOut).client);
    verificationRoutes(deps, verifications);
    changeRoutes(deps, changes);
    reviewRoutes(deps, reviews);
    const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({ openapi: '3.1.0', info: { title: 'test', version: '1' } });

    const actions = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => (item.post && /^\/v1\/(verifications|changes|reviews)\/\{id\}\//.test(path) ? [{ path, op: item.post }] : []));
    expect(actions.map((a) => a.path).sort()).toEqual([...ACTIONS.map(([path]) => path), '/v1/changes/{id}/new-subject'].sort());
    const declaresKey = (op: (typeof actions)[number]['op']) => (op.parameters ?? []).some((p) => 'in' in p && p.in === 'header' && p.name === 'Idempotency-Key');
    expect(actions.filter((a) => !declaresKey(a.op)).map((a) => a.path)).toEqual([]);
  });
});
