import { z } from 'zod';
import { datetime } from './common';

/** The hosted pages' links and browser sessions as the API shows them (API.md "Hosted pages", SPEC §13). */

export const PAGE_LOCALES = ['zh-CN', 'en'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

export const PageSessionLinkSchema = z
  .object({
    id: z.string().meta({ example: 'ses_…' }),
    url: z.string().meta({
      description: 'Opens the applicant’s pages for the account: <PUBLIC_BASE_URL>/apply#t=<token>. Works once, within 1 hour. The token is in the fragment, which browsers never send to a server or in a Referer.',
      example: 'https://realname.example.com/apply#t=…',
    }),
    expiresAt: datetime.meta({ description: 'The link opens nothing after this' }),
  })
  .meta({ id: 'PageSessionLink' });

export const PageSessionSchema = z
  .object({
    accountId: z.string(),
    locale: z.enum(PAGE_LOCALES),
    returnUrl: z.string().nullable().meta({ description: 'Where the pages send the person back when done (null: nowhere)' }),
    csrfToken: z.string().meta({ description: 'Send it as X-CSRF-Token on every request of the session that changes something (the cookie alone is refused 403)' }),
    expiresAt: datetime.meta({ description: 'The browser session ends then (24 hours after the exchange)' }),
  })
  .meta({ id: 'PageSession' });
export type PageSession = z.infer<typeof PageSessionSchema>;
