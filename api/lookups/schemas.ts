import { z } from 'zod';
import { trimmedText } from '../http/text';
import { CreditCode, PersonName, PersonSchema } from '../verifications/schemas';

/** What a person sends to find the accounts their identity verified (API.md "Find my accounts", SPEC §12). */

export const LookupParams = z.object({
  id: z.string().regex(/^lkp_[A-Za-z0-9]{8,64}$/, 'a lookup id looks like lkp_…'),
});

export const IndividualLookupBody = z
  .object({
    idType: trimmedText(1, 40).meta({
      description: 'mainland_id (face recognition of the ID holder) | hk_macao_permit | taiwan_permit (WeChat authorisation). Other documents: INTERNATIONAL_SITE_REQUIRED.',
      example: 'mainland_id',
    }),
    idNumber: trimmedText(1, 40).meta({ example: '11010519491231002X' }),
    realName: PersonName.meta({ example: '张三' }),
  })
  .meta({ id: 'IndividualLookupStart' });

export const EnterpriseLookupBody = z
  .object({
    creditCode: CreditCode.meta({ description: 'Unified social credit code (or a registration number / organisation code the registry maps to one)', example: '91350100M000100Y43' }),
    legalPerson: PersonSchema.meta({ description: 'The legal representative as the business registry lists them: they pass the face check' }),
  })
  .meta({ id: 'EnterpriseLookupStart' });

export const StartLookupBody = z
  .union([IndividualLookupBody, EnterpriseLookupBody])
  .meta({ id: 'IdentityLookupStart', description: 'A person ({ idType, idNumber, realName }) or an enterprise ({ creditCode, legalPerson })' });
export type StartLookup = z.infer<typeof StartLookupBody>;
