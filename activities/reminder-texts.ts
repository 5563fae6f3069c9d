import { beijingTime, chinaWallClock } from '../domain/calendar-date';
import type { ReminderAction } from '../domain/reminders';
import type { MessageText } from '../store/accounts';

/** Reminder texts (SPEC §12) for the message centre, SMS and email: bilingual like the others, the deadline in Beijing time. */

/** What the user is asked to do, by the action the step shows. */
const TO_DO: Record<ReminderAction, { zh: string; en: string }> = {
  remit: { zh: '从已确认的对公账户向页面所示的专属收款账户汇入认证金额', en: 'remit the exact amount shown from the confirmed corporate account to the collection account shown' },
  enter_amount: { zh: '填写对公账户收到的打款金额', en: 'enter the amount paid into your corporate account' },
  resubmit_materials: { zh: '按驳回原因修改并重新提交认证资料', en: 'correct the materials as the rejection asks and resubmit them' },
  submit_materials: { zh: '提交变更所需资料', en: 'submit the materials the change needs' },
  scan_qr: { zh: '完成人脸识别或微信授权', en: 'complete the face recognition or WeChat authorisation' },
  submit_new_subject: { zh: '提交新主体的认证信息', en: "submit the new subject's information" },
};

const PROCESS = {
  verification: { title: '实名认证即将截止 / Your verification closes soon', lapse: { zh: '逾期认证将失效，需重新发起', en: 'after that the verification expires and must be started again' } },
  change: { title: '认证主体变更即将截止 / Your change of subject closes soon', lapse: { zh: '逾期变更申请将失效，需重新提交', en: 'after that the change expires and must be requested again' } },
} as const;

export function reminderNotice(action: ReminderAction, process: keyof typeof PROCESS, deadline: Date): MessageText {
  const todo = TO_DO[action];
  const { title, lapse } = PROCESS[process];
  return {
    title,
    body: `请于 ${beijingTime(deadline)} 前${todo.zh}，${lapse.zh}。 Please ${todo.en} before ${chinaWallClock(deadline)} Beijing time; ${lapse.en}.`,
  };
}
