import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { movedResponse, pickProblems } from '../../errors.js';
import type { SiteLinks } from '../../lib/site-links.js';
import type { ArticlesService } from '../articles/articles.service.js';
import { IdOrSlugParams, notModified, optionalBearer } from '../shared/schemas.js';
import { NinjsList, NinjsListQuery, NinjsSchema } from './ninjs.schemas.js';
import { createNinjsService } from './ninjs.service.js';

const tags = ['Content out'];

export const ninjsRoutes: FastifyPluginAsyncZod<{ articles: ArticlesService; links: SiteLinks; siteName: string; uriAuthority: string }> = async (
  app,
  opts,
) => {
  const service = createNinjsService(opts.articles, opts);

  app.get('/v1/articles/:idOrSlug/ninjs', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'getArticleNinjs',
      security: optionalBearer,
      tags,
      summary: 'An article as IPTC ninjs',
      description:
        'A published article as an IPTC ninjs 3.3 news item: stable `uri`, headline, standfirst, HTML and plain-text bodies with counts, the byline (`by`) and its authors (`people`), the dateline (`located`), tags (`subjects`) and the featured image (`associations`). Drafts and scheduled articles are a 404, with or without a token.',
      params: IdOrSlugParams,
      response: { 200: NinjsSchema, ...notModified, 308: movedResponse, ...pickProblems(400, 401, 404, 500) },
    },
    handler: async (req, reply) => {
      const { item, keys } = await service.one(req.params.idOrSlug);
      reply.header('surrogate-key', keys.join(' ')).header('cache-tag', keys.join(','));
      return item;
    },
  });

  app.get('/v1/ninjs/articles', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'listArticlesNinjs',
      security: optionalBearer,
      tags,
      summary: 'The newest articles as IPTC ninjs',
      description: 'For partners and aggregators: the newest N published articles as ninjs 3.3 news items, narrowed by bureau, author, tag or language.',
      querystring: NinjsListQuery,
      response: { 200: NinjsList, ...notModified, ...pickProblems(400, 401, 404, 500) },
    },
    handler: async (req, reply) => {
      const { limit, ...filter } = req.query;
      const { data, keys } = await service.list(filter, limit);
      reply.header('surrogate-key', keys.join(' ')).header('cache-tag', keys.join(','));
      return { data };
    },
  });
};
