import type { ChangeType } from '../domain/change-rules';
import { REASON_TEXTS } from './texts';

/** Message-centre, email and SMS texts for changes of subject (SPEC §5, §7). Bilingual like the others. */

const CHANGE_NAMES: Record<ChangeType, string> = {
  individual_to_enterprise: '个人认证变更为企业认证 (individual → enterprise)',
  individual_to_individual: '个人认证变更为其他个人 (individual → another individual)',
  enterprise_entity_change: '变更企业主体 (enterprise entity change)',
  enterprise_name_change: '企业名称变更 (enterprise name change)',
  legal_representative_update: '法定代表人变更 (legal representative update)',
};

export type ChangeNoticeEvent = 'review_approved' | 'review_rejected' | 'completed' | 'revoked' | 'expired' | 'failed';

export function changeNotice(type: ChangeType, event: ChangeNoticeEvent, reason: string | null): { title: string; body: string } {
  const what = CHANGE_NAMES[type] ?? type;
  switch (event) {
    case 'review_approved':
      return { title: '变更资料审核通过 / Change materials approved', body: `${what}: 审核已通过。 Approved.` };
    case 'review_rejected':
      return { title: '变更资料审核未通过 / Change materials rejected', body: `${what}: 原因 Reason: ${reason ?? '-'}。请修改后重新提交。 Please correct and resubmit.` };
    case 'completed':
      return { title: '认证主体变更成功 / Change of subject completed', body: `${what}: 变更已完成。 The change is complete.` };
    case 'revoked':
      return { title: '认证主体变更已撤销 / Change of subject revoked', body: `${what}: 您已撤销本次变更，认证主体不变。 You revoked the change; the subject stays as it was.` };
    case 'expired':
      return { title: '认证主体变更已过期 / Change of subject expired', body: `${what}: 未在7天内完成，请重新提交。 Not completed within 7 days; please submit again.` };
    case 'failed':
      return {
        title: '认证主体变更未通过 / Change of subject failed',
        body: `${what}: 原因 Reason: ${REASON_TEXTS[reason ?? ''] ?? reason}。认证主体不变。 The subject stays as it was.`,
      };
  }
}
