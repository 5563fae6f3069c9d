import { IdType, IndividualMethod, ErrorCode, isIdType, isIndividualMethod } from './constants';

// Permit holders can only be matched against a WeChat Pay real-name record;
// QQ and the face database cover mainland IDs only.
export function individualMethodsFor(idType: IdType): IndividualMethod[] {
  if (idType === IdType.mainland_id) {
    return [IndividualMethod.wechat_qr, IndividualMethod.qq_qr, IndividualMethod.face];
  }
  return [IndividualMethod.wechat_qr];
}

export function checkIndividualEligibility(
  idType: string,
  method: string,
): null | typeof ErrorCode.INTERNATIONAL_SITE_REQUIRED | typeof ErrorCode.METHOD_NOT_ELIGIBLE {
  if (!isIdType(idType)) return ErrorCode.INTERNATIONAL_SITE_REQUIRED;
  if (!isIndividualMethod(method) || !individualMethodsFor(idType).includes(method)) {
    return ErrorCode.METHOD_NOT_ELIGIBLE;
  }
  return null;
}

export type Completion = 'instant' | '1 business day' | '1-5 business days';

export interface MethodOption {
  method: IndividualMethod;
  eligible: boolean;
  reason?: typeof ErrorCode.INTERNATIONAL_SITE_REQUIRED | typeof ErrorCode.METHOD_NOT_ELIGIBLE;
  completes: Completion;
}

// The order the console offers them in; the first eligible one is recommended.
const INDIVIDUAL_PREFERENCE: IndividualMethod[] = [IndividualMethod.wechat_qr, IndividualMethod.qq_qr, IndividualMethod.face];

/** What an individual with this document may use (SPEC §2.1), for the console's method picker. */
export function individualOptions(idType: string): { methods: MethodOption[]; recommended: IndividualMethod | null } {
  const methods = INDIVIDUAL_PREFERENCE.map((method): MethodOption => {
    const reason = checkIndividualEligibility(idType, method);
    return { method, eligible: reason === null, ...(reason ? { reason } : {}), completes: 'instant' };
  });
  return { methods, recommended: methods.find((m) => m.eligible)?.method ?? null };
}
