/** The activities verifications call, by class of call (kernel/activities.ts). */
import { databaseWrites, noticeCalls } from '../kernel/activities';

export const database = databaseWrites<
  | 'openIndividualVerification'
  | 'openEnterpriseVerification'
  | 'recordVerificationProgress'
  | 'completeVerification'
  | 'finishVerification'
  | 'expectTransfer'
  | 'returnTransfer'
  | 'openReview'
  | 'replaceRemittanceMaterials'
>();

export const notifications = noticeCalls<'notifyEnterprise'>();
