// What the console calls things: Chinese first, English beside it. Unknown values are shown as the API names them.
import { bi } from './dom.js';

export const KINDS = {
  public_remittance: ['对公打款', 'Public remittance'],
  enterprise_entity_change: ['主体变更', 'Entity change'],
  enterprise_name_change: ['名称变更', 'Name change'],
  // Process statuses (verifications and changes).
  in_progress: ['进行中', 'In progress'],
  verified: ['已认证', 'Verified'],
  completed: ['已完成', 'Completed'],
  failed: ['失败', 'Failed'],
  expired: ['已过期', 'Expired'],
  cancelled: ['已取消', 'Cancelled'],
  revoked: ['已撤回', 'Revoked'],
};

const STATUSES = {
  open: ['待审核', 'Open'],
  decided: ['已决定', 'Decided'],
  closed: ['已关闭', 'Closed'],
  // Before the decision record (issue 11): the outcome was the status.
  approved: ['已通过', 'Approved'],
  rejected: ['已驳回', 'Rejected'],
  revoked: ['已撤回', 'Revoked'],
};

const DECISIONS = { approve: ['通过', 'Approve'], reject: ['驳回', 'Reject'] };

const ACTIONS = {
  opened: ['开启', 'Opened'],
  claimed: ['认领', 'Claimed'],
  released: ['释放', 'Released'],
  // Four eyes: the first of two approvals (the second decides).
  approved: ['批准', 'Approved'],
  decided: ['决定', 'Decided'],
  revoked: ['撤回', 'Revoked'],
  resubmitted: ['重新提交', 'Resubmitted'],
};

const STEPS = {
  basic_info: ['填写基本信息', 'Basic information'],
  verify: ['校验认证信息', 'Verification'],
  complete: ['认证完成', 'Complete'],
  awaiting_scan: ['扫码', 'Scan'],
  awaiting_bank_card: ['绑定银行卡', 'Bank card'],
  awaiting_face: ['人脸识别', 'Face check'],
  awaiting_handler_face: ['经办人人脸识别', "Handler's face check"],
  awaiting_review: ['人工审核', 'Review'],
  awaiting_payout: ['平台打款', 'Payout'],
  awaiting_amount: ['回填金额', 'Amount entry'],
  awaiting_transfer: ['等待转账', 'Awaiting transfer'],
  awaiting_holder_face: ['原主体人脸识别', "Holder's face check"],
  awaiting_holder_scan: ['原主体扫码', "Holder's scan"],
  awaiting_new_person_face: ['新主体人脸识别', "New person's face check"],
  awaiting_new_person_scan: ['新主体扫码', "New person's scan"],
  awaiting_materials: ['提交资料', 'Materials'],
  awaiting_new_subject: ['提交新主体', 'New subject'],
  verifying_new_subject: ['认证新主体', 'Verifying the new subject'],
  // The funnel's name for a process that stopped before its first step.
  opened: ['未开始', 'Before the first step'],
};

/** What a review's signals match other accounts' processes on. */
const SIGNALS = {
  bank_account: ['对公账户', 'Bank account'],
  handler: ['经办人', 'Handler'],
  legal_person: ['法定代表人', 'Legal person'],
  contact_mobile: ['联系人手机', 'Contact mobile'],
};

const STEP_STATES = { done: ['已完成', 'done'], current: ['进行中', 'current'], pending: ['未开始', 'pending'] };

const PURPOSES = {
  business_license: ['营业执照', 'Business licence'],
  id_photo_emblem: ['身份证国徽面', 'ID card, emblem side'],
  id_photo_portrait: ['身份证人像面', 'ID card, portrait side'],
  change_application_form: ['变更申请表', 'Change application form'],
  deregistration_proof: ['注销证明', 'Deregistration proof'],
  name_change_proof: ['名称变更证明', 'Name change proof'],
  current_license: ['现营业执照', 'Current licence'],
};

/** Applicant fields: the names the API uses, in the words of a licence or a form. */
const FIELDS = {
  subjectType: ['主体类型', 'Subject type'],
  method: ['认证方式', 'Method'],
  type: ['变更类型', 'Change type'],
  enterprise: ['企业', 'Enterprise'],
  newEnterprise: ['新企业', 'New enterprise'],
  name: ['名称', 'Name'],
  newName: ['新名称', 'New name'],
  realName: ['姓名', 'Name'],
  creditCode: ['统一社会信用代码', 'Credit code'],
  licenseType: ['证照类型', 'Licence type'],
  legalPerson: ['法定代表人', 'Legal person'],
  formerLegalPerson: ['原法定代表人', 'Former legal person'],
  idType: ['证件类型', 'ID type'],
  idNumber: ['证件号码', 'ID number'],
  contact: ['联系人', 'Contact'],
  mobile: ['手机', 'Mobile'],
  address: ['地址', 'Address'],
  region: ['地区', 'Region'],
  detail: ['详细地址', 'Street'],
  industry: ['行业', 'Industry'],
  bankAccount: ['对公账户', 'Corporate account'],
  payerAccount: ['付款账户', 'Payer account'],
  accountName: ['户名', 'Account name'],
  accountNumber: ['账号', 'Account number'],
  bankName: ['开户银行', 'Bank'],
  bankLocation: ['开户地', 'Bank location'],
  branchName: ['支行', 'Branch'],
  handler: ['经办人', 'Handler'],
  licenseUploadId: ['营业执照文件', 'Licence file'],
  idPhotoEmblemUploadId: ['国徽面文件', 'Emblem side file'],
  idPhotoPortraitUploadId: ['人像面文件', 'Portrait side file'],
  ocr: ['OCR 识别结果', 'OCR reading'],
  confidence: ['置信度', 'Confidence'],
  enterpriseName: ['企业名称', 'Enterprise name'],
  agreementAccepted: ['已同意协议', 'Agreement accepted'],
  birthDate: ['出生日期', 'Date of birth'],
  automatic: ['登记机关已确认', 'Confirmed by the registry'],
  current: ['当前主体', 'Current subject'],
};

/** Values of enumerations an applicant carries (subject type, method, ID and licence types). */
const VALUES = {
  individual: ['个人', 'Individual'],
  enterprise: ['企业', 'Enterprise'],
  mainland_id: ['居民身份证', 'Mainland ID card'],
  hk_macao_permit: ['港澳居民来往内地通行证', 'HK/Macao permit'],
  taiwan_permit: ['台湾居民来往大陆通行证', 'Taiwan permit'],
  business_license: ['营业执照', 'Business licence'],
  non_business_license: ['非营业执照', 'Other registration certificate'],
  wechat_qr: ['微信扫码', 'WeChat QR'],
  qq_qr: ['QQ 扫码', 'QQ QR'],
  face: ['人脸识别', 'Face recognition'],
  wechat_official_account: ['微信公众号', 'WeChat official account'],
  legal_person_wechat: ['法人微信扫码', "Legal person's WeChat"],
  legal_person_face: ['法人人脸识别', "Legal person's face"],
  recharge: ['充值打款', 'Recharge'],
  public_remittance: ['对公打款', 'Public remittance'],
  enterprise_entity_change: ['主体变更', 'Entity change'],
  enterprise_name_change: ['名称变更', 'Name change'],
  // Process statuses (verifications and changes).
  in_progress: ['进行中', 'In progress'],
  verified: ['已认证', 'Verified'],
  completed: ['已完成', 'Completed'],
  failed: ['失败', 'Failed'],
  expired: ['已过期', 'Expired'],
  cancelled: ['已取消', 'Cancelled'],
  revoked: ['已撤回', 'Revoked'],
};

const label = (table, value) => (Object.hasOwn(table, value ?? '') ? bi(...table[value]) : value ?? '—');

export const kindLabel = (kind) => label(KINDS, kind);
export const statusLabel = (status) => label(STATUSES, status);
export const decisionLabel = (decision) => label(DECISIONS, decision);
export const actionLabel = (action) => label(ACTIONS, action);
export const stepLabel = (step) => label(STEPS, step);
export const stepStateLabel = (state) => label(STEP_STATES, state);
export const purposeLabel = (purpose) => label(PURPOSES, purpose);
export const fieldLabel = (field) => label(FIELDS, field);
export const signalLabel = (kind) => label(SIGNALS, kind);
/** A known enumeration value in words; anything else as it is. */
export const valueLabel = (value) => (typeof value === 'string' && Object.hasOwn(VALUES, value) ? bi(...VALUES[value]) : null);
/** The words alone, "中文 English", where a chart needs text rather than elements. */
const words = (table, value) => (Object.hasOwn(table, value ?? '') ? table[value].join(' ') : String(value ?? '—'));
export const valueWords = (value) => words(VALUES, value);
export const stepWords = (step) => words(STEPS, step);
