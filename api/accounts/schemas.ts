import { z } from 'zod';
import { trimmedText } from '../http/text';

export const IcpNameCheckRequest = z.object({ filingEntityName: trimmedText(1, 200) }).meta({ id: 'IcpNameCheckRequest' });
export const IcpNameCheckResponse = z
  .object({ match: z.boolean(), verifiedName: z.string().meta({ description: 'The name the account is verified under' }) })
  .meta({ id: 'IcpNameCheck' });
