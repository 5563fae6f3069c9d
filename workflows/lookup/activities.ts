/** The activities a lookup calls, by class of call (kernel/activities.ts). */
import { databaseWrites } from '../kernel/activities';

export const database = databaseWrites<'openLookup' | 'recordLookupProgress' | 'completeLookup' | 'finishLookup'>();
