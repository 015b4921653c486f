import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { articles, articleStatuses } from '../../db/schema.js';
import { timestampFields, trimmed } from '../../db/zod.js';
import { SEARCH_LIMITS } from '../../lib/fts-query.js';
import { MAX_RELEVANCE_DEPTH } from './articles.repository.js';
import { csvEnum, IdOrSlugParams, listOf, PagingQuery, RefSchema, SlugSchema, SummarySchema } from '../shared/schemas.js';
import { articleExample, createArticleExample } from './articles.examples.js';

export const viewStatuses = [...articleStatuses, 'scheduled'] as const;

const columns = createSelectSchema(articles, {
  ...timestampFields,
  status: z.enum(viewStatuses).describe('`scheduled`: published with a publish time still to come'),
  publishedAt: z.iso.datetime().nullable().describe('When it is (or was, or will be) public; in the future means scheduled'),
  body: z.string().describe('Markdown exactly as written'),
  bodyHtml: z.string().describe('The body rendered to sanitised HTML'),
  bodyText: z.string().describe('The body as plain text, paragraphs separated by blank lines'),
});

export const FeaturedImageSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2000),
    alt: z.string().max(500).nullable().optional().describe('Alternative text for screen readers'),
    caption: z.string().max(2000).nullable().optional(),
    credit: z.string().max(300).nullable().optional(),
  })
  .strict()
  .meta({ id: 'FeaturedImage' });

export const ArticleSchema = columns
  .pick({
    id: true,
    slug: true,
    headline: true,
    standfirst: true,
    dateline: true,
    language: true,
    status: true,
    publishedAt: true,
    wordCount: true,
    version: true,
    createdAt: true,
    updatedAt: true,
  })
  .extend({
    readingTimeMinutes: z.int().describe('Estimated reading time at 230 words a minute'),
    url: z.url().optional().describe('Its page on the site (SITE_URL + SITE_ARTICLE_PATH); absent when no SITE_URL is set'),
    featuredImage: FeaturedImageSchema.nullable(),
    bureau: SummarySchema.describe('The bureau that filed it'),
    authors: z.array(SummarySchema).describe('Bylines, in byline order'),
    tags: z.array(SummarySchema),
    body: columns.shape.body.optional(),
    bodyHtml: columns.shape.bodyHtml.optional(),
    bodyText: columns.shape.bodyText.optional(),
  })
  .meta({ id: 'Article', description: 'A story, as stored.', examples: [articleExample] });

export const articleFields = Object.keys(ArticleSchema.shape).filter((k) => k !== 'id') as [
  Exclude<keyof typeof ArticleSchema.shape, 'id'>,
  ...Exclude<keyof typeof ArticleSchema.shape, 'id'>[],
];
export type ArticleField = (typeof articleFields)[number];

export const ArticleViewSchema = ArticleSchema.partial()
  .required({ id: true, version: true })
  .extend({
    snippet: z
      .string()
      .optional()
      .describe('With `q`: the best matching passage, HTML-escaped, hits wrapped in `<mark>…</mark>`'),
  })
  .meta({
    id: 'ArticleView',
    description:
      'An article as read: every field is present unless `fields`, `include` or `formats` leave it out. ' +
      'The body renderings come only when asked for with `formats`.',
    examples: [articleExample],
  });

const include = ['authors', 'bureau', 'tags'] as const;
const formats = ['markdown', 'html', 'text'] as const;
export type Include = (typeof include)[number];
export type Format = (typeof formats)[number];

const ViewQuery = z.object({
  include: csvEnum(include)
    .optional()
    .meta({ description: 'Related items to embed, e.g. `authors,bureau` (default: all of `authors,bureau,tags`; empty for none)' }),
  fields: csvEnum(articleFields)
    .optional()
    .meta({ description: 'Only these fields, e.g. `slug,headline,publishedAt,authors` (`id` and `version` always come)' }),
});

export const GetArticleQuery = ViewQuery.extend({
  preview: z
    .string()
    .max(200)
    .optional()
    .meta({ description: 'A preview token from `createArticlePreview`: reads that one article whatever its status, without an API token' }),
  formats: csvEnum(formats)
    .default(['markdown', 'html'])
    .meta({ description: 'Body renderings to return: `markdown` (`body`), `html` (`bodyHtml`), `text` (`bodyText`). Default `markdown,html`' }),
}).strict();

const isoFilter = (description: string) => z.iso.datetime({ offset: true }).optional().meta({ description });

export const articleSorts = ['-publishedAt', 'publishedAt', '-updatedAt', 'updatedAt', 'headline', '-headline', 'relevance'] as const;

export const ListArticlesQuery = PagingQuery.extend(ViewQuery.shape)
  .extend({
    offset: PagingQuery.shape.offset.meta({
      description: `Rows to skip (0–1,000,000), for page numbers; cannot be combined with \`cursor\`. With \`sort=relevance\`, \`offset\` + \`limit\` may be at most ${MAX_RELEVANCE_DEPTH.toLocaleString('en')} (400 past it): to go deeper, sort by time and page with the cursor`,
    }),
    formats: csvEnum(formats)
      .default([])
      .meta({ description: 'Body renderings to return; none by default so list pages stay light' }),
    bureau: z.string().max(120).optional().meta({ description: 'Bureau slug, e.g. `washington-bureau`' }),
    author: z.string().max(120).optional().meta({ description: 'Author slug (any position on the byline)' }),
    tag: z.string().max(120).optional().meta({ description: 'Tag slug' }),
    language: z.string().max(35).optional().meta({ description: 'BCP 47 language tag, e.g. `en` or `pt-BR`' }),
    publishedAfter: isoFilter('Only articles published at or after this time'),
    publishedBefore: isoFilter('Only articles published before this time'),
    status: z
      .enum(viewStatuses)
      .optional()
      .meta({
        description:
          'Needs a token unless `published`. `published` means live now, `scheduled` published for a later time. Without a token only live articles are listed',
      }),
    q: z
      .string()
      .trim()
      .min(1)
      .max(SEARCH_LIMITS.maxLength)
      .optional()
      .meta({
        description: `Full-text search, e.g. \`fiscal framework\`, over headline, standfirst, body and bylines, ranked by relevance (headline weighs most). Accents are ignored (\`brasilia\` finds \`Brasília\`); \`"exact phrase"\` and \`prefix*\` work; anything else is searched literally. At most ${SEARCH_LIMITS.maxLength} characters and ${SEARCH_LIMITS.maxWords} words (400 past either); a \`prefix*\` needs ${SEARCH_LIMITS.minPrefix} letters, a shorter one is searched as the whole word. A search that runs past its time budget answers 503 with \`Retry-After\`.`,
      }),
    sort: z
      .enum(articleSorts)
      .optional()
      .meta({ description: 'Order; `-` means newest or Z first. Default `relevance` with `q`, else `-publishedAt`' }),
  })
  .strict();

const bcp47 = z
  .string()
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'Use a BCP 47 language tag such as `en` or `pt-BR`')
  .max(35);

export const CreateArticleBody = createInsertSchema(articles, {
  headline: trimmed(300),
  slug: SlugSchema.describe('Generated from the headline when absent'),
  standfirst: (s) => s.max(2000),
  dateline: (s) => s.max(200),
  body: (s) => s.max(500_000),
  language: bcp47.optional().describe('BCP 47 language tag; default `en`'),
  publishedAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .describe('Backdate or schedule; set on publish when absent'),
})
  .pick({ headline: true, slug: true, standfirst: true, dateline: true, body: true, language: true, publishedAt: true })
  .partial({ slug: true })
  .extend({
    bureau: RefSchema.describe('The filing bureau, by id or slug'),
    authors: z
      .array(RefSchema)
      .max(20)
      .refine((a) => new Set(a).size === a.length, 'An author appears twice on the byline')
      .optional()
      .describe('Bylines in order, by id or slug (none when absent)'),
    tags: z
      .array(RefSchema)
      .max(50)
      .refine((a) => new Set(a).size === a.length, 'A tag appears twice')
      .optional()
      .describe('Tags by id or slug (none when absent)'),
    featuredImage: FeaturedImageSchema.nullable().optional(),
  })
  .strict()
  .meta({ id: 'CreateArticle', description: 'A new article is always a draft; publish it with `publishArticle`.', examples: [createArticleExample] });

export const VersionField = z
  .int()
  .positive()
  .optional()
  .describe('The version you are changing, instead of an `If-Match` header; a stale one is a 412');

export const UpdateArticleBody = CreateArticleBody.partial().extend({ version: VersionField }).meta({
  id: 'UpdateArticle',
  description: 'Only the fields sent change. `authors` and `tags` replace the whole list. Status changes through publish, unpublish and archive.',
  examples: [{ standfirst: 'The court’s 6–3 ruling reshapes how agencies write rules.', tags: ['supreme-court'] }],
});

export const PublishArticleBody = z
  .strictObject({
    publishedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When it becomes public. In the future schedules it; absent keeps an earlier publish time or uses now'),
    version: VersionField,
  })
  .nullish()
  .meta({ id: 'PublishArticle', examples: [{ publishedAt: '2026-11-25T06:00:00Z' }] });

export const VersionBody = z
  .strictObject({ version: VersionField })
  .nullish()
  .meta({ id: 'VersionPrecondition', examples: [{}] });


export const ArticleParams = IdOrSlugParams;
export const ArticleList = listOf(ArticleViewSchema, 'ArticleList');

export type Article = z.infer<typeof ArticleSchema>;
export type ArticleView = z.infer<typeof ArticleViewSchema>;
export type CreateArticle = z.output<typeof CreateArticleBody>;
export type UpdateArticle = z.output<typeof UpdateArticleBody>;
export type ListArticlesInput = z.output<typeof ListArticlesQuery>;
export type ArticleSort = (typeof articleSorts)[number];
