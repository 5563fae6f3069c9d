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
