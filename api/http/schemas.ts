import { z } from 'zod';
// Shared by every context: account ids, paging, optional filters. Each context's requests live beside its routes.
export { page } from '../../contracts/common';
import { PAGE_CURSOR } from '../../store/paging';

export const AccountId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'an account id is 1-64 letters, digits, or _ . : - (starting with a letter or digit)')
  .meta({ description: 'The cloud account id', example: 'acct-1001' });

export const AccountParams = z.object({ accountId: AccountId });

export const ListQuery = z.object({
  /** At most 100: a larger limit is capped, not refused (up to the largest integer a JSON number holds exactly). */
  limit: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(20).transform((n) => Math.min(n, 100)),
  cursor: z.string().regex(PAGE_CURSOR, 'a cursor this API returned (nextCursor)').optional(),
});

/** An optional query filter where `?kind=` (empty) means no filter, as clients that always send the parameter expect. */
export const emptyAsAbsent = <T extends z.ZodType>(schema: T) =>
  z
    .union([schema, z.literal('')])
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .meta({ description: 'Empty: no filter' });
