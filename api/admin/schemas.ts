import { z } from 'zod';
import { AccountId } from '../http/schemas';

export const AccountTokenRequest = z
  .object({
    accountId: AccountId,
    ttlSeconds: z.number().int().min(1).max(30 * 24 * 3600).default(3600),
  })
  .meta({ id: 'AccountTokenRequest' });

export const AccountTokenResponse = z.object({ token: z.string(), expiresAt: z.iso.datetime() }).meta({ id: 'AccountToken' });
