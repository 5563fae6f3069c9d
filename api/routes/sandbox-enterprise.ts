import { z } from 'zod';
import type { SandboxOcrProvider } from '../../adapters/sandbox/ocr';
import type { SandboxRegistry } from '../../adapters/sandbox/registry';
import { normalizeCreditCode } from '../../domain/credit-code';
import { maskIdNumber } from '../../domain/masking';
import type { RouteDeps } from '../route';
import { defineRoute } from '../route';

const OcrReadingBody = z
  .object({
    enterpriseName: z.string().trim().min(1).max(200),
    creditCode: z.string().trim().min(1).max(50).meta({ description: 'As printed; not checked, so a misread code can be played too' }),
  })
  .meta({ id: 'SandboxOcrReading' });

const OcrReadingEcho = OcrReadingBody.extend({ sha256: z.string() }).meta({ id: 'SandboxOcrReadingSet' });

const RegistryEnterpriseBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    legalRepresentative: z.object({ name: z.string().trim().min(1).max(100), idNumber: z.string().trim().min(1).max(40) }),
    status: z.string().trim().min(1).max(40).default('存续').meta({ description: '存续 (active), 注销 (deregistered), …' }),
  })
  .meta({ id: 'SandboxRegistryEnterprise' });

const RegistryEnterpriseEcho = z
  .object({
    creditCode: z.string(),
    name: z.string(),
    legalRepresentative: z.object({ name: z.string(), idNumber: z.string().meta({ description: 'Masked' }) }),
    status: z.string(),
  })
  .meta({ id: 'SandboxRegistryEnterpriseSet' });

/** The enterprise side of the outside world: what OCR reads from an image, and what the business registry knows. */
export function sandboxEnterpriseRoutes(deps: RouteDeps, sandbox: { ocr: SandboxOcrProvider; registry: SandboxRegistry }): void {
  defineRoute(deps, {
    method: 'put',
    path: '/sandbox/ocr/business-licenses/{sha256}',
    summary: 'Sandbox: what OCR reads from a licence image',
    description: 'Keyed by the SHA-256 of the image bytes (the `sha256` of its upload). An image without a reading is read with confidence 0.1.',
    tags: ['sandbox'],
    auth: 'public',
    params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex characters') }),
    body: OcrReadingBody,
    responses: { 200: { description: 'The reading, as set', schema: OcrReadingEcho } },
    handler: async ({ params, body }) => {
      await sandbox.ocr.setReading(params.sha256, body);
      return { status: 200, body: { sha256: params.sha256, ...body } };
    },
  });

  defineRoute(deps, {
    method: 'put',
    path: '/sandbox/registry/enterprises/{creditCode}',
    summary: 'Sandbox: register (or update) an enterprise in the business registry',
    tags: ['sandbox'],
    auth: 'public',
    params: z.object({ creditCode: z.string().trim().min(1).max(50) }),
    body: RegistryEnterpriseBody,
    responses: { 200: { description: 'The record, as set (ID number masked)', schema: RegistryEnterpriseEcho } },
    handler: async ({ params, body }) => {
      const creditCode = normalizeCreditCode(params.creditCode);
      await sandbox.registry.put({ creditCode, ...body });
      return {
        status: 200,
        body: {
          creditCode,
          name: body.name,
          legalRepresentative: { name: body.legalRepresentative.name, idNumber: maskIdNumber(body.legalRepresentative.idNumber) },
          status: body.status,
        },
      };
    },
  });
}
