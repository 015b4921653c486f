import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems } from '../../errors.js';
import type { ArticlesService } from '../articles/articles.service.js';
import { queryOf } from '../shared/paging.js';
import { notModified, optionalBearer } from '../shared/schemas.js';
import { feedContentTypes, FeedParams, FeedQuery, JsonFeedSchema } from './feeds.schemas.js';
import { createFeedsService, type FeedSettings } from './feeds.service.js';

export const feedRoutes: FastifyPluginAsyncZod<{ articles: ArticlesService; feeds: FeedSettings }> = async (app, opts) => {
  const service = createFeedsService(opts.articles, opts.feeds);

  app.get('/feeds/articles.:format', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'getArticleFeed',
      security: optionalBearer,
      tags: ['Content out'],
      summary: 'Feed of the newest articles',
      description:
        'RSS 2.0 (`/feeds/articles.rss`), Atom 1.0 (`.atom`) or JSON Feed 1.1 (`.json`) of the newest published articles ' +
        '(`FEED_ITEMS`, default 50), for the whole site or narrowed by `bureau`, `author` or `tag`. Item ids are `tag:` URIs ' +
        'that never change with the slug; bylines in order; the standfirst as summary and the sanitised HTML body as content ' +
        '(`FEED_CONTENT=summary` leaves the body out); the featured image as enclosure. Links point at the site (`SITE_URL`) ' +
        'or, without one, at this API. Cached and revalidated like every public read, with surrogate keys for each article.',
      params: FeedParams,
      querystring: FeedQuery,
      response: {
        200: {
          description: 'The feed',
          content: {
            'application/rss+xml': { schema: z.string().describe('RSS 2.0') },
            'application/atom+xml': { schema: z.string().describe('Atom 1.0') },
            'application/feed+json': { schema: JsonFeedSchema },
          },
        },
        ...notModified,
        ...pickProblems(400, 401, 500),
      },
    },
    handler: async (req, reply) => {
      const { body, keys } = await service.build(req.params.format, req.query, queryOf(req.url));
      return reply
        .header('content-type', feedContentTypes[req.params.format])
        .header('surrogate-key', keys.join(' '))
        .header('cache-tag', keys.join(','))
        .send(body);
    },
  });
};
