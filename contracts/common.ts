import { z } from 'zod';

/** Shapes every resource uses: a time, a page of a list (API.md "Lists"). */
export const datetime = z.iso.datetime();

export const page = <T extends z.ZodType>(item: T, id: string) => z.object({ items: z.array(item), nextCursor: z.string().nullable() }).meta({ id });
