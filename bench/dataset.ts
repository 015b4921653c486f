// Writes the benchmark newsroom straight into SQLite with prepared statements: no HTTP, no
// ORM, one transaction per BATCH articles. The body renderings come from the app's own
// Markdown functions, so the stored HTML, text and word counts are what the API would store.
import type { Db } from '../src/db/client.js';
import { countWords, renderHtml, renderText } from '../src/lib/markdown.js';
import { slugFrom } from '../src/lib/slug.js';
import { CITIES, distinct, FIRST_NAMES, headlineWords, int, LAST_NAMES, markdownBody, prng, SEARCH_WORD, TAGS, type Rng } from './text.js';

export type Dataset = {
  articles: number;
  published: number;
  bodyVariants: number;
  bureauSlugs: string[];
  authorSlugs: string[];
  /** Up to 1,000 published slugs, spread over the whole table, for the article-page workload. */
  sampleSlugs: string[];
  searchWord: string;
  /** Share of articles whose body contains the search word. */
  searchWordShare: number;
  /** Time spent rendering body variants, and writing rows (with the schema's triggers). */
  renderMs: number;
  insertMs: number;
};

const BATCH = 5_000;
const BUREAUS = 12;
const AUTHORS = 240;
// Publish times fall in two fixed years in the past, so every published article is public
// whenever the benchmark runs, and the same seed gives the same rows.
const FROM = Date.parse('2024-01-01T00:00:00Z');
const SPAN = Date.parse('2026-01-01T00:00:00Z') - FROM;
const HOUR = 3_600_000;

const iso = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString();

type Body = { body: string; html: string; text: string; words: number; hasWord: boolean };

function renderBody(rng: Rng): Body {
  const body = markdownBody(rng, int(rng, 450, 550));
  const text = renderText(body);
  return { body, html: renderHtml(body), text, words: countWords(text), hasWord: new RegExp(`\\b${SEARCH_WORD}\\b`, 'i').test(text) };
}

export function buildDataset(db: Db, articleCount: number, seed = 20261124): Dataset {
  const sqlite = db.$client;
  const rng = prng(seed);
  // Loader-only settings: no fsync, and foreign keys checked once at the end (below). With
  // the keys off, bylines can go in before their article, so a full-text trigger on the
  // article insert sees the byline names at once instead of re-indexing the row per byline.
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('foreign_keys = OFF');
  const stamp = iso(FROM);

  const bureauSlugs = CITIES.slice(0, BUREAUS).map((city) => slugFrom(`${city} Bureau`, 'bureau'));
  const authorSlugs: string[] = [];
  sqlite.transaction(() => {
    const bureau = sqlite.prepare('INSERT INTO bureaus (id, slug, name, location, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    bureauSlugs.forEach((slug, i) => bureau.run(i + 1, slug, `${CITIES[i]} Bureau`, CITIES[i], `News from ${CITIES[i]}.`, stamp, stamp));
    const author = sqlite.prepare('INSERT INTO authors (id, slug, name, bio, email, bureau_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < AUTHORS; i++) {
      const name = `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[Math.floor(i / FIRST_NAMES.length)]}`;
      const slug = slugFrom(name, 'author');
      authorSlugs.push(slug);
      author.run(i + 1, slug, name, `Reporter, ${CITIES[i % BUREAUS]}.`, `${slug}@example.com`, (i % BUREAUS) + 1, stamp, stamp);
    }
    const tag = sqlite.prepare('INSERT INTO tags (id, slug, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)');
    TAGS.forEach((name, i) => tag.run(i + 1, slugFrom(name, 'tag'), name, stamp, stamp));
  })();

  // Every article gets its own body up to 10,000; beyond that bodies are reused, at least
  // one rendering per 100 articles, so a million articles render 10,000 bodies, not 1M.
  const variants = Math.min(articleCount, Math.max(10_000, Math.ceil(articleCount / 100)));
  let clock = performance.now();
  const bodies = Array.from({ length: variants }, () => renderBody(rng));
  const renderMs = performance.now() - clock;
  clock = performance.now();

  const article = sqlite.prepare(
    `INSERT INTO articles (id, slug, headline, standfirst, dateline, body, body_html, body_text, word_count, bureau_id,
       language, status, published_at, announced_at, image_url, image_alt, image_caption, image_credit, version, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'en', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
  );
  const byline = sqlite.prepare('INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)');
  const tagged = sqlite.prepare('INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)');
  const sampleEvery = Math.max(1, Math.floor(articleCount / 1000));
  const sampleSlugs: string[] = [];
  let published = 0;
  let withWord = 0;

  const writeBatch = sqlite.transaction((from: number, to: number) => {
    for (let id = from; id < to; id++) {
      const words = headlineWords(rng);
      const headline = words.join(' ').replace(/^./, (c) => c.toUpperCase());
      const slug = `${words.join('-')}-${id}`;
      const bureauIdx = int(rng, 0, BUREAUS - 1);
      const b = bodies[(id - 1) % variants]!;
      const isPublished = rng() < 0.9;
      const when = FROM + rng() * SPAN;
      const created = isPublished ? when - rng() * 48 * HOUR : when;
      const updated = when + rng() * 24 * HOUR;
      const image = rng() < 0.6 ? [`https://img.example.com/${id}.jpg`, headline, `${CITIES[bureauIdx]}.`, 'Dateline'] : [null, null, null, null];
      const authors = distinct(rng, AUTHORS, rng() < 0.6 ? 1 : rng() < 0.75 ? 2 : 3);
      authors.forEach((a, position) => byline.run(id, a + 1, position));
      for (const t of distinct(rng, TAGS.length, int(rng, 1, 3))) tagged.run(id, t + 1);
      article.run(id, slug, headline, `${headline}: what we know.`, CITIES[bureauIdx], b.body, b.html, b.text, b.words, bureauIdx + 1,
        // Published articles were announced (webhook sent) when they went out; a NULL here
        // would make the server's scheduler announce thousands of them at start.
        isPublished ? 'published' : 'draft', isPublished ? iso(when) : null, isPublished ? iso(when) : null, ...image, iso(created), iso(updated));
      if (isPublished) published++;
      if (b.hasWord) withWord++;
      if (isPublished && id % sampleEvery === 0 && sampleSlugs.length < 1000) sampleSlugs.push(slug);
    }
  });
  for (let from = 1; from <= articleCount; from += BATCH) writeBatch(from, Math.min(articleCount + 1, from + BATCH));

  const insertMs = performance.now() - clock;
  const broken = sqlite.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`dataset has ${broken.length} broken foreign keys`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return {
    articles: articleCount,
    published,
    bodyVariants: variants,
    bureauSlugs,
    authorSlugs,
    sampleSlugs,
    searchWord: SEARCH_WORD,
    searchWordShare: withWord / articleCount,
    renderMs: Math.round(renderMs),
    insertMs: Math.round(insertMs),
  };
}
