/** A stored time (a Date, or the text a driver hands back) as the ISO 8601 UTC text resources show; null stays null. */
export const timestamp = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);
