import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pickProblems } from '../../errors.js';
import type { SiteLinks } from '../../lib/site-links.js';
import { notModified, optionalBearer } from '../shared/schemas.js';
import { createSitemapsService, sitemapKinds, type SitemapKind } from './sitemaps.service.js';

const tags = ['Content out'];
const XML = 'application/xml; charset=utf-8';
const xmlResponse = (description: string) => ({ description, content: { 'application/xml': { schema: z.string() } } });
const problems = { ...notModified, ...pickProblems(400, 401, 404, 500) };

const SitemapParams = z.object({
  file: z
    .string()
    .regex(new RegExp(`^(${sitemapKinds.join('|')})-[1-9]\\d{0,8}\\.xml$`), 'Use a page listed in /sitemap.xml, e.g. articles-1.xml')
    .meta({ description: '`articles-N.xml`, `bureaus-N.xml`, `authors-N.xml` or `tags-N.xml`, N from 1', example: 'articles-1.xml' }),
});

export const sitemapRoutes: FastifyPluginAsyncZod<{ links: SiteLinks; siteName: string; apiBase: string; articlePage: number }> = async (
  app,
  opts,
) => {
  const service = createSitemapsService(app.db, opts);

  app.get('/sitemap.xml', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'getSitemapIndex',
      security: optionalBearer,
      tags,
      summary: 'Sitemap index',
      description:
        'Lists every sitemap page: articles (`SITEMAP_PAGE_SIZE` article ids per page, at most 50,000 URLs), bureaus, authors, tags and the Google News sitemap. 404 without `SITE_URL`.',
      response: { 200: xmlResponse('A sitemap index (sitemaps.org 0.9)'), ...problems },
    },
    handler: async (_req, reply) => reply.header('content-type', XML).header('surrogate-key', 'sitemaps').send(await service.index()),
  });

  app.get('/sitemaps/news.xml', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'getNewsSitemap',
      security: optionalBearer,
      tags,
      summary: 'Google News sitemap',
      description:
        'Articles published in the last two days (at most 1,000), newest first, with `news:publication` (SITE_NAME and the article language), `news:publication_date` and `news:title`.',
      response: { 200: xmlResponse('A urlset with the Google News namespace'), ...problems },
    },
    handler: async (_req, reply) => reply.header('content-type', XML).header('surrogate-key', 'articles sitemaps').send(await service.news()),
  });

  app.get('/sitemaps/:file', {
    config: { publicCache: 'article' },
    schema: {
      operationId: 'getSitemap',
      security: optionalBearer,
      tags,
      summary: 'One sitemap page',
      description: 'Public articles (with `lastmod`), bureaus, authors or tags whose ids fall in the page’s range, in id order.',
      params: SitemapParams,
      response: { 200: xmlResponse('A urlset (sitemaps.org 0.9)'), ...problems },
    },
    handler: async (req, reply) => {
      const [, kind, page] = /^(\w+)-(\d+)\.xml$/.exec(req.params.file)!;
      const body = await service.page(kind as SitemapKind, Number(page));
      return reply.header('content-type', XML).header('surrogate-key', `${kind} sitemaps`).send(body);
    },
  });
};
