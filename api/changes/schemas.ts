import { z } from 'zod';
import { CHANGE_TYPES } from '../../domain/change-rules';
import { AddressSchema, CreditCode, EnterpriseName, EnterpriseSubjectFields, IndividualInfo, PersonSchema, UploadIdRef, withMethodNeeds } from '../verifications/schemas';

/** Changes of subject (API.md "Changes of subject"): the requests (the Change resource is contracts/change.ts). */

export const ChangeParams = z.object({ id: z.string().regex(/^chg_[A-Za-z0-9]{8,64}$/, 'a change id looks like chg_…') });

const Agreement = z.literal(true, { error: 'the change agreement must be accepted (agreementAccepted: true)' }).meta({ description: 'The change agreement, accepted' });

/** The new enterprise and its method, as for an enterprise verification (`subjectType` aside). */
export const NewSubjectBody = withMethodNeeds(EnterpriseSubjectFields, 'NewSubject');

export const CreateChangeBody = z
  .discriminatedUnion(
    'type',
    [
      withMethodNeeds(EnterpriseSubjectFields.extend({ type: z.literal('individual_to_enterprise'), agreementAccepted: Agreement }), 'IndividualToEnterpriseChange'),
      z.object({ type: z.literal('individual_to_individual'), agreementAccepted: Agreement, individual: IndividualInfo }).meta({ id: 'IndividualToIndividualChange' }),
      z
        .object({
          type: z.literal('enterprise_entity_change'),
          agreementAccepted: Agreement,
          formerLegalPerson: PersonSchema.meta({ description: 'The legal person before the change; passes face recognition' }),
          newEnterprise: z.object({ name: EnterpriseName, creditCode: CreditCode, address: AddressSchema }),
        })
        .meta({ id: 'EnterpriseEntityChange' }),
      z.object({ type: z.literal('enterprise_name_change'), newName: EnterpriseName }).meta({ id: 'EnterpriseNameChange' }),
      z
        .object({
          type: z.literal('legal_representative_update'),
          newLegalPerson: PersonSchema.meta({ description: 'Mainland ID only' }),
          method: z.enum(['wechat_qr', 'face']),
        })
        .meta({ id: 'LegalRepresentativeUpdate' }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? `type must be one of ${CHANGE_TYPES.join(', ')}` : undefined) },
  )
  .meta({ id: 'CreateChange' });

export const CHANGE_MATERIAL_PURPOSES = ['change_application_form', 'current_license', 'deregistration_proof', 'id_photo_emblem', 'id_photo_portrait', 'name_change_proof'] as const;

export const ChangeMaterialsBody = z
  .object({
    materials: z
      .strictObject(Object.fromEntries(CHANGE_MATERIAL_PURPOSES.map((purpose) => [purpose, UploadIdRef.optional()])) as Record<(typeof CHANGE_MATERIAL_PURPOSES)[number], z.ZodOptional<typeof UploadIdRef>>)
      .meta({ description: 'Purpose → upload id (uploads of this account with that purpose); the step’s nextAction.required lists the purposes' }),
  })
  .meta({ id: 'ChangeMaterials' });

export { ChangeSchema } from '../../contracts/change';
