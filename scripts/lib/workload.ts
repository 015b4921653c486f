// The soak's newsroom and its mixed workload: 85% public reads (lists, articles, search,
// authors, bureaus), 15% authenticated writes (5% creates, 10% updates).
import type autocannon from 'autocannon';
import type { Call } from './http.js';

const VOCABULARY = (
  'council budget harbour election court ruling minister transit housing climate storm flood school hospital ' +
  'strike festival market energy water police museum airport bridge tax vote mayor senate treaty port rail'
).split(' ');

const words = (seed: number, n: number) => Array.from({ length: n }, (_, i) => VOCABULARY[(seed * 7 + i * 13) % VOCABULARY.length]).join(' ');

export type Newsroom = { bureaus: string[]; authors: string[]; slugs: string[]; ids: number[] };

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  }));
}

/** Creates and publishes `articles` articles through the API. */
export async function seedNewsroom(call: Call, articles: number): Promise<Newsroom> {
  const must = async (what: string, p: ReturnType<Call>) => {
    const r = await p;
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const bureaus: string[] = [];
  for (const name of ['Metro Desk', 'Foreign Desk', 'Business Desk']) bureaus.push((await must(name, call('POST', '/v1/bureaus', { name }))).slug as string);
  const authors: string[] = [];
  for (let i = 0; i < 6; i++) {
    const a = await must('author', call('POST', '/v1/authors', { name: `Soak Reporter ${i}`, bureau: bureaus[i % 3] }));
    authors.push(a.slug as string);
  }
  const slugs: string[] = [];
  const ids: number[] = [];
  await pool([...Array(articles).keys()], 8, async (i) => {
    const a = await must('article', call('POST', '/v1/articles', {
      headline: `${words(i, 5)} ${i}`,
      standfirst: words(i + 1, 20),
      dateline: 'Lisbon',
      body: `${words(i, 60)}.\n\n${words(i + 2, 60)}.\n\n${words(i + 3, 40)}.`,
      bureau: bureaus[i % 3],
      authors: [authors[i % 6], authors[(i + 1) % 6]],
    }));
    const p = await must('publish', call('POST', `/v1/articles/${a.id as number}/publish`, {}, { 'if-match': `"v${a.version as number}"` }));
    slugs.push(p.slug as string);
    ids.push(p.id as number);
  });
  return { bureaus, authors, slugs, ids };
}

/** A cycle of 20 requests per connection: 17 public reads, 1 create, 2 updates. */
export function mixedRequests(n: Newsroom, token: string): autocannon.Request[] {
  let seq = 0;
  const any = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const get = (path: () => string): autocannon.Request => ({ method: 'GET', setupRequest: (r) => ({ ...r, path: path() }) });
  const home = get(() => '/v1/articles?limit=20');
  const article = get(() => `/v1/articles/${any(n.slugs)}`);
  const search = get(() => `/v1/articles?q=${any(VOCABULARY)}&limit=10`);
  const bureau = get(() => `/v1/articles?bureau=${any(n.bureaus)}&limit=10`);
  const page2 = get(() => '/v1/articles?limit=20&offset=20');
  const authors = get(() => '/v1/authors');
  const bureaus = get(() => '/v1/bureaus');
  const create: autocannon.Request = {
    method: 'POST',
    setupRequest: (r) => {
      const i = ++seq;
      const body = { headline: `Soak draft ${process.pid} ${i}`, body: `${words(i, 80)}.`, bureau: any(n.bureaus), authors: [any(n.authors)] };
      return { ...r, path: '/v1/articles', headers: auth, body: JSON.stringify(body) };
    },
  };
  const update: autocannon.Request = {
    method: 'PATCH',
    setupRequest: (r) => ({
      ...r,
      path: `/v1/articles/${any(n.ids)}`,
      headers: { ...auth, 'if-match': '*' },
      body: JSON.stringify({ standfirst: `${words(++seq, 15)}.` }),
    }),
  };
  return [home, article, search, article, bureau, update, home, article, authors, search, create, article, home, page2, article, update, bureaus, article, home, bureau];
}
