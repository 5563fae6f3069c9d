import type { VerificationStatus } from './constants';

export type StepState = 'done' | 'current' | 'pending';

/** The three steps the console shows (SPEC §3): 填写基本信息 → 校验认证信息 → 认证完成. */
export const VERIFICATION_STEPS = ['basic_info', 'verify', 'complete'] as const;

export function verificationSteps(status: VerificationStatus): { name: string; state: StepState }[] {
  const verified = status === 'verified';
  return [
    { name: 'basic_info', state: 'done' },
    { name: 'verify', state: verified ? 'done' : 'current' },
    { name: 'complete', state: verified ? 'done' : 'pending' },
  ];
}
