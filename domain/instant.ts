/** An instant (epoch ms) as the ISO 8601 UTC text the API and the read model show. */
export const iso = (ms: number): string => new Date(ms).toISOString();
