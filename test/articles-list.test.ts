import t, { type Test } from 'tap';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { makeArticle, makeAuthor, makeBureau, makeTag, publish } from './helpers/factories.js';

type Item = { id: number; slug: string; headline: string; publishedAt: string; authors?: { slug: string }[] };

async function newsroom(t: Test) {
  const ctx = await buildTestApp(t);
  const dc = await makeBureau(ctx, { name: 'Washington Bureau' });
  const lx = await makeBureau(ctx, { name: 'Lisbon Bureau' });
  const jane = await makeAuthor(ctx, { name: 'Jane Q. Reporter' });
  const joao = await makeAuthor(ctx, { name: 'João Sebastião' });
  const court = await makeTag(ctx, { name: 'Supreme Court' });
  const ids: number[] = [];
  // 25 published articles, one a minute apart, alternating bureaus; plus a draft and a scheduled one.
  for (let i = 0; i < 25; i++) {
    const a = await makeArticle(ctx, {
      headline: `Story ${String(i).padStart(2, '0')}`,
      bureau: i % 2 ? lx.slug : dc.slug,
      authors: i % 3 === 0 ? [joao.slug, jane.slug] : [jane.slug],
      tags: i % 5 === 0 ? [court.slug] : [],
      language: i === 7 ? 'pt' : 'en',
    });
    await publish(ctx, a.id, new Date(Date.UTC(2026, 0, 1, 12, i)).toISOString());
    ids.push(a.id);
  }
  const draft = await makeArticle(ctx, { headline: 'Secret draft', bureau: dc.slug, authors: [jane.slug] });
  const scheduled = await makeArticle(ctx, { headline: 'Scheduled', bureau: dc.slug, authors: [jane.slug] });
  await publish(ctx, scheduled.id, new Date(Date.now() + 86_400_000).toISOString());
  return { ctx, dc, lx, jane, joao, court, ids, draft, scheduled };
}

async function get(ctx: TestApp, url: string, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({ url, headers });
  return { res, body: res.json() as { data: Item[]; meta: { nextCursor: string | null; total?: number; limit: number; offset?: number } } };
}

t.test('listArticles', async (t) => {
  const n = await newsroom(t);
  const { ctx } = n;

  t.test('default: newest first, 20, bylines and bureau, no body, no drafts', async (t) => {
    const { res, body } = await get(ctx, '/v1/articles');
    t.equal(res.statusCode, 200);
    t.equal(body.data.length, 20);
    t.equal(body.data[0]!.headline, 'Story 24');
    t.same(body.data[0]!.authors!.map((a) => a.slug), ['joao-sebastiao', 'jane-q-reporter'], 'byline order');
    t.same(body.data[1]!.authors!.map((a) => a.slug), ['jane-q-reporter']);
    t.ok('bureau' in body.data[0]!);
    t.notOk('body' in body.data[0]! || 'bodyHtml' in body.data[0]!, 'no body on list pages');
    t.notOk(body.data.some((a) => a.id === n.draft.id || a.id === n.scheduled.id));
    t.equal(body.meta.total, undefined, 'total only when asked for');
    t.match(res.headers.link, /^<\/v1\/articles\?cursor=[^>]+>; rel="next"$/);
  });

  t.test('cursor paging walks everything once, and is stable while articles arrive', async (t) => {
    const seen: number[] = [];
    let url = '/v1/articles?limit=7';
    let first = true;
    for (;;) {
      const { body } = await get(ctx, url);
      seen.push(...body.data.map((a) => a.id));
      if (first) {
        // A new story published mid-way must not shift later pages.
        const late = await makeArticle(ctx, { headline: 'Story late', bureau: n.dc.slug, authors: [n.jane.slug] });
        await publish(ctx, late.id);
        first = false;
      }
      if (!body.meta.nextCursor) break;
      url = `/v1/articles?limit=7&cursor=${body.meta.nextCursor}`;
    }
    t.same(seen, [...n.ids].reverse(), 'every article once, newest first');
  });

  t.test('offset paging with total and Link', async (t) => {
    const { res, body } = await get(ctx, '/v1/articles?limit=5&offset=5&total=true&sort=publishedAt');
    t.equal(body.meta.total, 26);
    t.equal(body.meta.offset, 5);
    t.same(body.data.map((a) => a.headline), ['Story 05', 'Story 06', 'Story 07', 'Story 08', 'Story 09']);
    t.match(res.headers.link, 'offset=10');
  });

  t.test('filters', async (t) => {
    const dc = await get(ctx, '/v1/articles?bureau=washington-bureau&limit=100');
    t.ok(dc.body.data.length >= 13);
    t.ok(dc.body.data.every((a) => (a as unknown as { bureau: { slug: string } }).bureau.slug === 'washington-bureau'));
    const joao = await get(ctx, '/v1/articles?author=joao-sebastiao&limit=100');
    t.equal(joao.body.data.length, 9);
    const tag = await get(ctx, '/v1/articles?tag=supreme-court&limit=100');
    t.same(tag.body.data.map((a) => a.headline), ['Story 20', 'Story 15', 'Story 10', 'Story 05', 'Story 00']);
    const pt = await get(ctx, '/v1/articles?language=pt');
    t.same(pt.body.data.map((a) => a.headline), ['Story 07']);
    const range = await get(ctx, '/v1/articles?publishedAfter=2026-01-01T12:03:00Z&publishedBefore=2026-01-01T13:06:00%2B01:00');
    t.same(range.body.data.map((a) => a.headline), ['Story 05', 'Story 04', 'Story 03']);
    const none = await get(ctx, '/v1/articles?bureau=no-such-bureau');
    t.equal(none.res.statusCode, 200);
    t.same(none.body.data, []);
    const combined = await get(ctx, '/v1/articles?bureau=washington-bureau&author=joao-sebastiao&tag=supreme-court');
    // Even (Washington), divisible by 3 (João) and by 5 (tag): only story 0.
    t.same(combined.body.data.map((a) => a.headline), ['Story 00']);
  });

  t.test('sorts', async (t) => {
    const byHeadline = await get(ctx, '/v1/articles?sort=headline&limit=3');
    t.same(byHeadline.body.data.map((a) => a.headline), ['Story 00', 'Story 01', 'Story 02']);
    const desc = await get(ctx, `/v1/articles?sort=-headline&limit=2&cursor=${byHeadline.body.meta.nextCursor}`);
    t.equal(desc.res.statusCode, 400, 'a cursor only works with the sort it came from');
    t.equal(desc.body.data, undefined);
    const updated = await get(ctx, '/v1/articles?sort=-updatedAt&limit=1');
    t.equal(updated.res.statusCode, 200);
  });

  t.test('include, fields and formats', async (t) => {
    const { body } = await get(ctx, '/v1/articles?limit=1&fields=headline,publishedAt');
    t.same(Object.keys(body.data[0]!).sort(), ['headline', 'id', 'publishedAt', 'version']);
    const withBody = await get(ctx, '/v1/articles?limit=1&formats=html,text&include=bureau');
    const item = withBody.body.data[0] as unknown as Record<string, unknown>;
    t.ok(item.bodyHtml && item.bodyText);
    t.notOk('authors' in item || 'tags' in item);
    t.ok('bureau' in item);
    const bad = await get(ctx, '/v1/articles?include=comments&fields=secret');
    t.equal(bad.res.statusCode, 400);
    t.same((bad.res.json().errors as { path: string }[]).map((e) => e.path).sort(), ['query.fields', 'query.include']);
  });

  t.test('management reads with a token', async (t) => {
    const auth = n.ctx.auth;
    const drafts = await get(ctx, '/v1/articles?status=draft', auth);
    t.same(drafts.body.data.map((a) => a.id), [n.draft.id]);
    const all = await get(ctx, '/v1/articles?limit=100&total=true', auth);
    t.ok(all.body.data.some((a) => a.id === n.scheduled.id), 'scheduled visible to editors');
    const cursorAll: number[] = [];
    let url = '/v1/articles?limit=4';
    for (;;) {
      const { body } = await get(ctx, url, auth);
      cursorAll.push(...body.data.map((a) => a.id));
      if (!body.meta.nextCursor) break;
      url = `/v1/articles?limit=4&cursor=${body.meta.nextCursor}`;
    }
    t.equal(cursorAll.length, all.body.meta.total, 'cursor paging includes drafts with no publish time');
    t.equal(new Set(cursorAll).size, cursorAll.length);
    const publicDrafts = await get(ctx, '/v1/articles?status=draft');
    t.equal(publicDrafts.res.statusCode, 401, 'the public cannot list drafts');
  });

  t.test('bad query values are 400 problem+json naming the parameter', async (t) => {
    for (const [q, path] of [
      ['limit=0', 'query.limit'],
      ['limit=101', 'query.limit'],
      ['limit=abc', 'query.limit'],
      ['offset=-1', 'query.offset'],
      ['sort=random', 'query.sort'],
      ['publishedAfter=yesterday', 'query.publishedAfter'],
      ['cursor=garbage', 'query.cursor'],
      ['unknown=1', 'query.unknown'],
      ['status=deleted', 'query.status'],
    ] as [string, string][]) {
      const res = await ctx.app.inject({ url: `/v1/articles?${q}` });
      t.equal(res.statusCode, 400, q);
      t.equal(res.headers['content-type'], 'application/problem+json', q);
      t.equal(res.json().errors?.[0]?.path, path, q);
    }
    const both = await ctx.app.inject({ url: '/v1/articles?offset=1&cursor=abc' });
    t.equal(both.statusCode, 400);
  });
});
