import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { authors } from '../../db/schema.js';
import { timestampFields, trimmed } from '../../db/zod.js';
import { EmailSchema, listOf, PagingQuery, RefSchema, SlugSchema, SummarySchema } from '../shared/schemas.js';

const example = {
  id: 7,
  slug: 'jane-q-reporter',
  name: 'Jane Q. Reporter',
  bio: 'Covers the Supreme Court and the Justice Department.',
  email: 'jane.reporter@example.com',
  avatarUrl: 'https://cdn.example.com/authors/jane-q-reporter.jpg',
  bureau: { id: 1, slug: 'washington-bureau', name: 'Washington Bureau' },
  version: 2,
  createdAt: '2026-01-12T09:35:00.000Z',
  updatedAt: '2026-02-20T11:00:00.000Z',
};

export const AuthorSchema = createSelectSchema(authors, {
  ...timestampFields,
  email: EmailSchema.nullable().optional().describe('Only shown to requests with a token'),
})
  .omit({ bureauId: true })
  .extend({ bureau: SummarySchema.nullable().describe('Home bureau') })
  
  .extend({ url: z.url().optional().describe('Its page on the site (SITE_URL + SITE_AUTHOR_PATH); absent when no SITE_URL is set') })
  .meta({ id: 'Author', description: 'A byline.', examples: [example] });

export const CreateAuthorBody = createInsertSchema(authors, {
  name: trimmed(200),
  slug: SlugSchema.describe('Generated from the name when absent'),
  bio: (s) => s.max(5000),
  email: EmailSchema.max(320).nullable().optional(),
  avatarUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().optional(),
})
  .pick({ name: true, slug: true, bio: true, email: true, avatarUrl: true })
  .partial({ slug: true })
  .extend({ bureau: RefSchema.nullable().optional().describe('Home bureau, by id or slug') })
  .strict()
  .meta({
    id: 'CreateAuthor',
    examples: [
      {
        name: 'Luis Ortega',
        bio: 'Covers the Supreme Court and the Justice Department.',
        email: 'luis.ortega@example.com',
        bureau: 'washington-bureau',
      },
    ],
  });

export const UpdateAuthorBody = CreateAuthorBody.partial().meta({
  id: 'UpdateAuthor',
  description: 'Only the fields sent are changed; `null` clears an optional field.',
  examples: [{ bio: 'Covers the Supreme Court, the Justice Department and the FBI.' }],
});

export const AuthorListQuery = PagingQuery.extend({
  bureau: z.string().max(120).optional().describe('Only authors whose home bureau has this slug'),
}).strict();
export const AuthorList = listOf(AuthorSchema, 'AuthorList');

export type Author = z.infer<typeof AuthorSchema>;
export type CreateAuthor = z.infer<typeof CreateAuthorBody>;
export type UpdateAuthor = z.infer<typeof UpdateAuthorBody>;
