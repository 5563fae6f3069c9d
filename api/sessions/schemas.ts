import { z } from 'zod';
import { PAGE_LOCALES } from '../../contracts/session';

/** What the console's backend and the browser send for the hosted pages (API.md "Hosted pages"). */

export const MintSessionBody = z
  .object({
    locale: z.enum(PAGE_LOCALES).default('zh-CN').meta({ description: 'The pages’ language (the person may switch)' }),
    returnUrl: z.string().max(2000).optional().meta({
      description: 'Where to send the person back when done: on an origin listed in SESSION_RETURN_ORIGINS (or this service’s own), else 422 VALIDATION_FAILED',
      example: 'https://console.example.com/account',
    }),
  })
  .meta({ id: 'PageSessionMint' });
export type MintSession = z.infer<typeof MintSessionBody>;

export const ExchangeBody = z
  .object({ token: z.string().min(1).max(200).meta({ description: 'The token from the link’s fragment (#t=…)' }) })
  .meta({ id: 'PageSessionExchange' });
