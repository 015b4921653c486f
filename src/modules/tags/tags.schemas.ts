import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { tags } from '../../db/schema.js';
import { timestampFields, trimmed } from '../../db/zod.js';
import { listOf, PagingQuery, SlugSchema } from '../shared/schemas.js';

export const TagSchema = createSelectSchema(tags, timestampFields)
  .extend({ url: z.url().optional().describe('Its page on the site (SITE_URL + SITE_TAG_PATH); absent when no SITE_URL is set') })
  .meta({
  id: 'Tag',
  description: 'A topic that groups articles.',
  examples: [
    { id: 4, slug: 'supreme-court', name: 'Supreme Court', createdAt: '2026-01-12T09:40:00.000Z', updatedAt: '2026-01-12T09:40:00.000Z' },
  ],
});

export const CreateTagBody = createInsertSchema(tags, {
  name: trimmed(100),
  slug: SlugSchema.describe('Generated from the name when absent'),
})
  .pick({ name: true, slug: true })
  .partial({ slug: true })
  .strict()
  .meta({ id: 'CreateTag', examples: [{ name: 'Supreme Court' }] });

export const UpdateTagBody = CreateTagBody.partial().meta({
  id: 'UpdateTag',
  examples: [{ name: 'U.S. Supreme Court' }],
});

export const TagListQuery = PagingQuery.strict();
export const TagList = listOf(TagSchema, 'TagList');

export type CreateTag = z.infer<typeof CreateTagBody>;
export type UpdateTag = z.infer<typeof UpdateTagBody>;
