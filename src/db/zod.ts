import { z } from 'zod';

// Overrides shared by every drizzle-zod derived schema: stored ISO strings are documented
// as date-times, and generated ids as positive integers.
export const timestampFields = {
  createdAt: z.iso.datetime().describe('When it was created (UTC)'),
  updatedAt: z.iso.datetime().describe('When it last changed (UTC)'),
};

export const trimmed = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { abort: true })
    .max(max)
    .refine((s) => /[\p{L}\p{N}\p{P}\p{S}]/u.test(s), 'Needs at least one visible character');
export const optionalText = (max: number) => z.string().max(max).nullable().optional();
