import { z } from 'zod';

export const feedFormats = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof feedFormats)[number];

export const feedContentTypes = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
} as const satisfies Record<FeedFormat, string>;

export const FeedParams = z.object({
  format: z.enum(feedFormats).meta({ description: '`rss` (RSS 2.0), `atom` (Atom 1.0) or `json` (JSON Feed 1.1)' }),
});

export const FeedQuery = z
  .object({
    bureau: z.string().max(120).optional().meta({ description: 'Only this bureau’s articles (slug)' }),
    author: z.string().max(120).optional().meta({ description: 'Only articles with this author on the byline (slug)' }),
    tag: z.string().max(120).optional().meta({ description: 'Only articles with this tag (slug)' }),
  })
  .strict();
export type FeedFilter = z.output<typeof FeedQuery>;

const JsonFeedAuthor = z.object({ name: z.string(), url: z.string().optional() });

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1), as much of it as Dateline fills in. */
export const JsonFeedSchema = z
  .object({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string(),
    home_page_url: z.string().optional(),
    feed_url: z.string().optional(),
    description: z.string().optional(),
    language: z.string().optional(),
    items: z.array(
      z.object({
        id: z.string().describe('Stable: does not change when the slug does'),
        url: z.string(),
        title: z.string(),
        summary: z.string().optional().describe('The standfirst'),
        content_html: z.string().optional().describe('The sanitised HTML body (unless FEED_CONTENT=summary)'),
        content_text: z.string().optional().describe('The standfirst, when the body is left out'),
        image: z.string().optional(),
        date_published: z.iso.datetime(),
        date_modified: z.iso.datetime(),
        authors: z.array(JsonFeedAuthor).describe('The byline, in order'),
        tags: z.array(z.string()).optional(),
        language: z.string().optional(),
        attachments: z
          .array(z.object({ url: z.string(), mime_type: z.string(), title: z.string().optional() }))
          .optional()
          .describe('The featured image'),
      }),
    ),
  })
  .meta({ id: 'JsonFeed', description: 'A JSON Feed 1.1 document.' });
export type JsonFeed = z.infer<typeof JsonFeedSchema>;
