import { z } from 'zod';
import { ENTERPRISE_METHODS, INDUSTRIES, INDIVIDUAL_METHODS } from '../../domain/constants';
import { matching, SPACE, trimmedMatching, trimmedText } from '../http/text';

/** What clients send to start and drive a verification (and, for an enterprise, a change's new subject): validation, types and the OpenAPI document come from these. */

export const VerificationParams = z.object({
  id: z.string().regex(/^ver_[A-Za-z0-9]{8,64}$/, 'a verification id looks like ver_…'),
});

export const PersonName = trimmedText(2, 50);

export const AddressSchema = z
  .object({
    region: trimmedText(1, 100).meta({ example: '北京市/朝阳区' }),
    detail: trimmedText(1, 200).meta({ example: '望京街 1 号' }),
  })
  .meta({ id: 'Address' });

export const IndividualInfo = z
  .object({
    realName: PersonName.meta({ example: '张三' }),
    idType: trimmedText(1, 40).meta({
      description: 'mainland_id | hk_macao_permit | taiwan_permit. Any other document (passport, foreign ID) is refused with INTERNATIONAL_SITE_REQUIRED.',
      example: 'mainland_id',
    }),
    idNumber: trimmedText(1, 40).meta({ example: '11010519491231002X' }),
    industry: z.enum(INDUSTRIES),
    address: AddressSchema,
  })
  .meta({ id: 'IndividualInfo' });

export const StartIndividualVerification = z
  .object({
    subjectType: z.literal('individual'),
    method: z.enum(INDIVIDUAL_METHODS),
    individual: IndividualInfo,
  })
  .meta({ id: 'StartIndividualVerification' });

export const EnterpriseName = trimmedText(2, 100);
export const UploadIdRef = z.string().regex(/^upl_[A-Za-z0-9]{8,64}$/, 'an upload id looks like upl_…');
export const Mobile = trimmedMatching('\\+861[3-9][0-9]{9}', 'a mainland mobile: +86 then 11 digits starting 13-19').meta({ example: '+8613812345678' });
const IdNumber = trimmedText(1, 40);
/** Unified social credit code, or another certificate's registration number or organisation code. */
export const CreditCode = trimmedText(1, 40);
const BankText = trimmedText(2, 100);
/** 8-30 digits, optionally grouped by single spaces or dashes (as printed on statements); stored as the digits. */
const BankAccountNumber = matching(`^${SPACE}*[0-9](?:[ -]?[0-9]){7,29}${SPACE}*$`, 'a bank account number: 8-30 digits')
  .transform((v) => v.replace(/[\s-]/g, ''));

export const PersonSchema = z.object({ name: PersonName, idNumber: IdNumber }).meta({ id: 'Person' });

export const EnterpriseInfo = z
  .object({
    licenseType: z.enum(['business_license', 'non_business_license']),
    licenseUploadId: UploadIdRef.meta({ description: 'An upload of purpose business_license of the same account (the licence or other registration certificate)' }),
    name: EnterpriseName.meta({ example: '北京某某科技有限公司' }),
    creditCode: CreditCode.meta({ description: 'Unified social credit code (GB 32100); other certificates may give a registration number or organisation code', example: '91350100M000100Y43' }),
    address: AddressSchema,
    contact: z.object({ name: PersonName, idNumber: IdNumber, mobile: Mobile }),
    registeredIn: z
      .enum(['mainland', 'hong_kong', 'macao', 'taiwan', 'overseas'])
      .default('mainland')
      .meta({ description: 'Enterprises registered outside the mainland verify on the international site' }),
  })
  .meta({ id: 'EnterpriseInfo' });

export const PayerAccountSchema = z
  .object({ accountName: EnterpriseName, accountNumber: BankAccountNumber, bankName: BankText })
  .meta({ id: 'PayerAccount' });

export const RemittanceBankAccountSchema = z
  .object({
    accountNumber: BankAccountNumber,
    bankName: BankText,
    bankLocation: BankText,
    branchName: BankText,
    idPhotoEmblemUploadId: UploadIdRef.meta({ description: 'The legal person holding the ID card, national-emblem side (purpose id_photo_emblem)' }),
    idPhotoPortraitUploadId: UploadIdRef.meta({ description: 'The legal person holding the ID card, portrait side (purpose id_photo_portrait)' }),
  })
  .meta({ id: 'RemittanceBankAccount' });

/** An enterprise, its method and the method's data: a verification's body, and a change's new subject. */
export const EnterpriseSubjectFields = z.object({
  method: z.enum(ENTERPRISE_METHODS),
  enterprise: EnterpriseInfo,
  legalPerson: PersonSchema.optional().meta({ description: 'legal_person_wechat, legal_person_face, public_remittance' }),
  payerAccount: PayerAccountSchema.optional().meta({ description: 'recharge: the paying corporate account; its name must be the enterprise name' }),
  bankAccount: RemittanceBankAccountSchema.optional().meta({ description: 'public_remittance' }),
  handler: PersonSchema.optional().meta({ description: 'public_remittance: the handler (经办人), who passes face recognition' }),
});

/** Which fields each method needs (SPEC §4): checked by zod and declared to clients as JSON Schema conditions. */
const METHOD_NEEDS: [readonly (typeof ENTERPRISE_METHODS)[number][], ('legalPerson' | 'payerAccount' | 'bankAccount' | 'handler')[]][] = [
  [['legal_person_wechat', 'legal_person_face', 'public_remittance'], ['legalPerson']],
  [['recharge'], ['payerAccount']],
  [['public_remittance'], ['bankAccount', 'handler']],
];

/** `fields` with the method's needs enforced and declared (`allOf` of `if method … then required`). */
export function withMethodNeeds<T extends z.ZodType<z.infer<typeof EnterpriseSubjectFields>>>(fields: T, id: string) {
  return fields
    .superRefine((body, ctx) => {
      for (const [methods, needed] of METHOD_NEEDS) {
        if (!methods.includes(body.method)) continue;
        for (const field of needed) if (!body[field]) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${body.method}` });
      }
    })
    .meta({
      id,
      allOf: METHOD_NEEDS.map(([methods, needed]) => ({ if: { properties: { method: { enum: methods } } }, then: { required: needed } })),
    } as never);
}

export const StartEnterpriseVerification = withMethodNeeds(EnterpriseSubjectFields.extend({ subjectType: z.literal('enterprise') }), 'StartEnterpriseVerification');

export const StartVerificationBody = z
  .discriminatedUnion('subjectType', [StartIndividualVerification, StartEnterpriseVerification], {
    error: (issue) => (issue.code === 'invalid_union' ? 'subjectType must be "individual" or "enterprise"' : undefined),
  })
  .meta({ id: 'StartVerification' });

export const RemittanceAmountBody = z
  .object({
    amount: trimmedMatching('(?:[1-9][0-9]{0,12}(?:\\.[0-9]{1,2})?|0\\.(?:0[1-9]|[1-9][0-9]?))', 'yuan with at most two decimals, more than zero, like "0.37"').meta({
      description: 'Yuan with up to two decimals, as read on the bank statement (no sign, exponent or leading zeros)',
      example: '0.37',
    }),
  })
  .meta({ id: 'RemittanceAmount' });

export const MaterialsBody = z
  .object({ bankAccount: RemittanceBankAccountSchema.optional(), handler: PersonSchema.optional() })
  .refine((b) => b.bankAccount || b.handler, { message: 'send a corrected bankAccount and/or handler' })
  .meta({ id: 'CorrectedMaterials', anyOf: [{ required: ['bankAccount'] }, { required: ['handler'] }] } as never);

export const VerificationOptionsQuery = z.object({
  subjectType: z.enum(['individual', 'enterprise']),
  idType: trimmedText(1, 40).default('mainland_id').meta({ description: 'Individuals: the document the person verifies with' }),
  creditCode: trimmedText(0, 40).optional().meta({ description: 'Enterprises: the unified social credit code (91/92 codes may use legal-person WeChat)' }),
});

export const VerificationOptionsSchema = z
  .object({
    methods: z.array(
      z.object({
        method: z.string(),
        eligible: z.boolean(),
        reason: z.string().optional().meta({ description: 'Why a method is not available: a problem code' }),
        completes: z.enum(['instant', '1 business day', '1-5 business days']),
      }),
    ),
    recommended: z.string().nullable(),
  })
  .meta({ id: 'VerificationOptions' });
