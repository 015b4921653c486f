import { z } from 'zod';
import { changeActions, changeResources } from '../../db/schema.js';
import { intParam } from '../shared/schemas.js';

export const ChangesQuery = z
  .object({
    since: z
      .string()
      .max(200)
      .optional()
      .meta({ description: 'The `meta.nextCursor` of the last page you read; leave it out to start from the beginning' }),
    limit: intParam(1, 1000).default(100).meta({ description: 'Changes per page: 1–1000, default 100' }),
  })
  .strict();

export const ChangeSchema = z
  .object({
    seq: z.int().describe('Position in commit order; strictly increasing along the feed'),
    type: z.enum(changeResources),
    id: z.int().describe('The id of the article, author, bureau or tag'),
    action: z
      .enum(changeActions)
      .describe(
        '`published` and `updated`: (re)read the item at `href`. `unpublished`, `archived`, `deleted`: a tombstone, the item left public view',
      ),
    deleted: z.boolean().describe('A tombstone: remove the item (and its page) from your copy'),
    slug: z.string().describe('The slug the item has (for a tombstone: had)'),
    url: z.string().nullable().describe('Its page on the site (SITE_URL); for a tombstone the page to take down; null without SITE_URL'),
    href: z.string().nullable().describe('Where to read the item in this API; null for a tombstone'),
    changedAt: z.iso.datetime().describe('When the change was committed'),
  })
  .meta({ id: 'Change', description: "An item's latest change: an item appears once, at the position of its newest change." });

export const ChangeList = z
  .object({
    data: z.array(ChangeSchema),
    meta: z.object({
      nextCursor: z.string().describe('Pass as `since` next time, also when this page was empty'),
      hasMore: z.boolean().describe('More changes are waiting: ask again at once'),
    }),
  })
  .meta({
    id: 'ChangeList',
    examples: [
      {
        data: [
          {
            seq: 41,
            type: 'article',
            id: 7,
            action: 'published',
            deleted: false,
            slug: 'subway-slow-zones-halved',
            url: 'https://news.example.com/metro-desk/subway-slow-zones-halved',
            href: '/v1/articles/7',
            changedAt: '2026-03-02T14:05:00.000Z',
          },
        ],
        meta: { nextCursor: 'WzQxLDE3NzI0NjAzMDAwMDBd', hasMore: false },
      },
    ],
  });

export type ChangesInput = z.output<typeof ChangesQuery>;
