import type { TerminalRecord } from '../store/verifications';

/** Message-centre texts (站内信). Bilingual: the console shows the account's language. */

const METHOD_NAMES: Record<string, string> = {
  wechat_qr: '微信扫码 (WeChat QR)',
  qq_qr: 'QQ扫码 (QQ QR)',
  face: '人脸识别 (face recognition)',
  wechat_official_account: '微信公众平台认证 (WeChat Official Account)',
  legal_person_wechat: '企业法人微信扫码 (legal person WeChat QR)',
  legal_person_face: '企业法人人脸识别 (legal person face recognition)',
  recharge: '充值认证 (platform recharge)',
  public_remittance: '对公打款 (corporate public remittance)',
};

export const REASON_TEXTS: Record<string, string> = {
  IDENTITY_MISMATCH: '姓名或证件号与实名信息不一致 (name or ID number does not match the real-name record)',
  BANK_CARD_REQUIRED: '需绑定银行卡 (a linked bank card is required)',
  FACE_MISMATCH: '人脸识别未通过 (face recognition failed)',
  IDENTITY_QUOTA_EXCEEDED: '该证件已认证的账号数已达上限 (this identity has verified the maximum number of accounts)',
  UNDERAGE: '未满18周岁 (under 18)',
  ENTERPRISE_NAME_MISMATCH: '企业名称不一致 (the enterprise name does not match)',
  LEGAL_PERSON_MISMATCH: '法定代表人不一致 (the legal representative does not match the registry)',
  ENTERPRISE_NOT_IN_REGISTRY: '工商系统暂未查询到该企业，请于7个工作日后重试 (the business registry does not know this enterprise yet; retry after 7 business days)',
  BANK_ACCOUNT_INVALID: '对公账户无法收款 (the bank refused the payout to this account)',
  REMITTANCE_AMOUNT_MISMATCH: '金额两次不一致 (two wrong amounts)',
  PAYOUT_NOT_CONFIRMED: '银行未确认打款结果 (the bank confirmed neither the arrival nor the refusal of the payout in time); 请重新发起 (please start again)',
  PROVIDER_UNAVAILABLE: '认证服务暂时无法访问 (a verification provider stayed unreachable); 请稍后重新发起 (please start again later)',
  INTERNAL_ERROR: '系统内部错误 (an internal error ended this verification)',
  TERMINATED: '运维人员终止了本次流程 (an operator ended this process); 请重新发起 (please start again)',
};

export function verifiedMessage(method: string) {
  return {
    title: '实名认证成功 / Real-name verification completed',
    body: `您的账号已通过${METHOD_NAMES[method] ?? method}完成实名认证。 Your account is now verified.`,
  };
}

export function outcomeMessage(outcome: TerminalRecord) {
  switch (outcome.status) {
    case 'verified':
      return verifiedMessage('');
    case 'failed':
      return {
        title: '实名认证未通过 / Real-name verification failed',
        body: `原因 Reason: ${REASON_TEXTS[outcome.failureReason ?? ''] ?? outcome.failureReason}。请重新发起认证。 Please start a new verification.`,
      };
    case 'expired':
      return {
        title: '实名认证已过期 / Real-name verification expired',
        body: '认证未在有效期内完成，请重新发起。 The verification was not completed in time; please start again.',
      };
    case 'cancelled':
      return {
        title: '实名认证已取消 / Real-name verification cancelled',
        body: '您已取消本次认证。 You cancelled this verification.',
      };
  }
}

export type EnterpriseNoticeEvent = 'review_approved' | 'review_rejected' | 'verified' | 'failed' | 'expired' | 'cancelled';

/** Email / SMS / WeChat / message-centre text for an enterprise process event. */
export function enterpriseNotice(event: EnterpriseNoticeEvent, method: string, reason: string | null): { title: string; body: string } {
  const via = METHOD_NAMES[method] ?? method;
  switch (event) {
    case 'review_approved':
      return { title: '认证资料审核通过 / Materials approved', body: `${via}: 审核已通过，平台将向您的对公账户打款。 Approved: a payout to your corporate account follows.` };
    case 'review_rejected':
      return { title: '认证资料审核未通过 / Materials rejected', body: `${via}: 原因 Reason: ${reason ?? '-'}。请修改后重新提交。 Please correct and resubmit.` };
    case 'verified':
      return { title: '企业实名认证成功 / Enterprise verification completed', body: `您的账号已通过${via}完成企业实名认证。 Your account is now enterprise-verified.` };
    default: {
      const outcome = outcomeMessage({ status: event, failureReason: reason });
      return { title: `企业${outcome.title}`, body: `${via}: ${outcome.body}` };
    }
  }
}
