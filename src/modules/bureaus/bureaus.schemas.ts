import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { bureaus } from '../../db/schema.js';
import { timestampFields, trimmed } from '../../db/zod.js';
import { listOf, PagingQuery, SlugSchema } from '../shared/schemas.js';

const example = {
  id: 1,
  slug: 'washington-bureau',
  name: 'Washington Bureau',
  location: 'Washington, D.C.',
  description: 'Politics, the courts and the federal government.',
  version: 3,
  createdAt: '2026-01-12T09:30:00.000Z',
  updatedAt: '2026-03-02T16:05:12.000Z',
};

export const BureauSchema = createSelectSchema(bureaus, timestampFields)
  .extend({ url: z.url().optional().describe('Its page on the site (SITE_URL + SITE_BUREAU_PATH); absent when no SITE_URL is set') })
  .meta({
  id: 'Bureau',
  description: 'A desk of the newsroom that files stories.',
  examples: [example],
});

export const CreateBureauBody = createInsertSchema(bureaus, {
  name: trimmed(200),
  slug: SlugSchema.describe('Generated from the name when absent'),
  location: (s) => s.max(200),
  description: (s) => s.max(5000),
})
  .pick({ name: true, slug: true, location: true, description: true })
  .partial({ slug: true })
  .strict()
  .meta({
    id: 'CreateBureau',
    examples: [{ name: 'Washington Bureau', location: 'Washington, D.C.', description: 'The White House, Congress and the courts.' }],
  });

export const UpdateBureauBody = CreateBureauBody.partial().meta({
  id: 'UpdateBureau',
  description: 'Only the fields sent are changed; `null` clears an optional field.',
  examples: [{ description: 'The White House, Congress, the courts and the agencies.' }],
});

export const BureauListQuery = PagingQuery.strict();
export const BureauList = listOf(BureauSchema, 'BureauList');

export type Bureau = z.infer<typeof BureauSchema>;
export type CreateBureau = z.infer<typeof CreateBureauBody>;
export type UpdateBureau = z.infer<typeof UpdateBureauBody>;
