import fp from 'fastify-plugin';
import type { SiteLinks } from '../lib/site-links.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Items in this route's responses are bureaus, authors or tags: give each its `url`. */
    siteLink?: 'bureau' | 'author' | 'tag';
  }
}

type Item = { id?: unknown; slug?: unknown; url?: string };

// Bureaus, authors and tags are plain rows; their page on the site is added on the way out,
// so every read and write of them carries `url` without each handler knowing about the site.
// (Articles get theirs in articles.view.ts, where the bureau slug their path may need is at hand.)
export default fp(
  async (app, opts: { links: SiteLinks }) => {
    if (!opts.links.enabled) return;
    const add = (kind: 'bureau' | 'author' | 'tag', x: Item) => {
      if (typeof x.id === 'number' && typeof x.slug === 'string') x.url = opts.links.item(kind, { id: x.id, slug: x.slug }) ?? undefined;
    };
    app.addHook('preSerialization', (req, reply, payload, done) => {
      const kind = req.routeOptions.config.siteLink;
      if (kind && reply.statusCode < 300 && payload && typeof payload === 'object') {
        const list = (payload as { data?: unknown }).data;
        if (Array.isArray(list)) for (const x of list as Item[]) add(kind, x);
        else add(kind, payload as Item);
      }
      done(null, payload);
    });
  },
  { name: 'site-links' },
);
