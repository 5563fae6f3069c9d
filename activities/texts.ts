import type { TerminalRecord } from './repository';

/** Message-centre texts (站内信). Bilingual: the console shows the account's language. */

const METHOD_NAMES: Record<string, string> = {
  wechat_qr: '微信扫码 (WeChat QR)',
  qq_qr: 'QQ扫码 (QQ QR)',
  face: '人脸识别 (face recognition)',
};

const REASON_TEXTS: Record<string, string> = {
  IDENTITY_MISMATCH: '姓名或证件号与实名信息不一致 (name or ID number does not match the real-name record)',
  BANK_CARD_REQUIRED: '需绑定银行卡 (a linked bank card is required)',
  FACE_MISMATCH: '人脸识别未通过 (face recognition failed)',
  IDENTITY_QUOTA_EXCEEDED: '该证件已认证的账号数已达上限 (this identity has verified the maximum number of accounts)',
  UNDERAGE: '未满18周岁 (under 18)',
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
