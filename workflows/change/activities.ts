/** The activities changes of subject call, by class of call (kernel/activities.ts). */
import { databaseWrites, noticeCalls } from '../kernel/activities';

export const database = databaseWrites<'openChange' | 'recordChangeProgress' | 'completeChange' | 'finishChange' | 'openChangeReview'>();

export const notifications = noticeCalls<'notifyChange'>();
