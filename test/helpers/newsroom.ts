import type { TestApp } from './app.js';
import { makeArticle, makeAuthor, makeBureau, makeTag, publish } from './factories.js';

/**
 * A small published newsroom for the content-out tests: one story with two bylines (in a
 * deliberate order), a tag and a featured image; a second story; and a draft that must never
 * appear anywhere public.
 */
export async function smallNewsroom(ctx: TestApp) {
  const bureau = await makeBureau(ctx, { name: 'Metro Desk' });
  const ali = await makeAuthor(ctx, { name: 'Ali Çelik' });
  const jane = await makeAuthor(ctx, { name: 'Jane Q. Reporter' });
  const tag = await makeTag(ctx, { name: 'Transit' });
  const lead = await makeArticle(ctx, {
    headline: 'Subway slow zones halved',
    standfirst: 'Officials credit track work.',
    dateline: 'New York',
    body: 'New York: The subway’s “slow zones” fell by half — officials said.\n\n<script>alert(1)</script>Second paragraph.',
    bureau: bureau.slug,
    authors: [ali.slug, jane.slug],
    tags: [tag.slug],
    featuredImage: { url: 'https://img.example.com/subway.jpg', alt: 'A train', caption: 'Track work', credit: 'Photo: Desk' },
  });
  await publish(ctx, lead.id, new Date(Date.now() - 60_000).toISOString());
  const second = await makeArticle(ctx, { headline: 'Ferry fares frozen', bureau: bureau.slug, authors: [jane.slug] });
  await publish(ctx, second.id);
  const draft = await makeArticle(ctx, { headline: 'Secret draft story', bureau: bureau.slug, authors: [ali.slug], tags: [tag.slug] });
  return { bureau, ali, jane, tag, lead, second, draft };
}
