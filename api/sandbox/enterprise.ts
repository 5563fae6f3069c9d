import { z } from 'zod';
import type { SandboxOcrProvider } from '../../adapters/sandbox/ocr';
import type { SandboxRegistry } from '../../adapters/sandbox/registry';
import { normalizeCreditCode } from '../../domain/credit-code';
import { formerEnterpriseCode } from '../../domain/enterprise-identity';
import { maskIdNumber } from '../../domain/masking';
import type { RouteDeps } from '../http/route';
import { defineRoute } from '../http/route';

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
    formerCodes: z
      .array(z.string().trim().min(1).max(40).refine((code) => formerEnterpriseCode(code) !== null, 'a registration number (15 digits) or an organisation code (GB 11714, e.g. D2143569-X)'))
      .max(20)
      .default([])
      .meta({
        description:
          'Registration numbers and organisation codes the registry maps to this credit code (normalised: upper case, no hyphen). Exactly these after the PUT (none when absent); one another enterprise held moves here.',
      }),
  })
  .meta({ id: 'SandboxRegistryEnterprise' });

const RegistryEnterpriseEcho = z
  .object({
    creditCode: z.string(),
    name: z.string(),
    legalRepresentative: z.object({ name: z.string(), idNumber: z.string().meta({ description: 'Masked' }) }),
    status: z.string(),
    formerCodes: z.array(z.string()),
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
    description:
      'The registry then answers for the credit code and for each of `formerCodes`, with this record. A former code belongs to one credit code at a time: '
      + 'listing one that another enterprise holds moves it (the other no longer has it); from then on, a verification presenting it counts for this credit code\'s quota and identity lookups '
      + '(accounts verified before keep the identity they were verified under).',
    tags: ['sandbox'],
    auth: 'public',
    params: z.object({ creditCode: z.string().trim().min(1).max(50) }),
    body: RegistryEnterpriseBody,
    responses: { 200: { description: 'The record, as set (ID number masked)', schema: RegistryEnterpriseEcho } },
    handler: async ({ params, body }) => {
      const creditCode = normalizeCreditCode(params.creditCode);
      const { formerCodes } = await sandbox.registry.put({ creditCode, ...body });
      return {
        status: 200,
        body: {
          creditCode,
          name: body.name,
          legalRepresentative: { name: body.legalRepresentative.name, idNumber: maskIdNumber(body.legalRepresentative.idNumber) },
          status: body.status,
          formerCodes,
        },
      };
    },
  });
}
