import t from 'tap';
import type { Call } from '../../scripts/lib/http.js';
import { adminToken, clients, engine, errorLogs, instances, sharedDatabase } from '../helpers/instances.js';

// Two real server processes on one database behave as one (issue 9): what one instance
// wrote, the other reads at once, from its response cache or not, and its preconditions
// and Idempotency-Keys hold across both. Instance A runs without a response cache, B with
// one, so each direction of a write-then-read covers one of the two read paths. The tests
// share the two processes (starting them is most of the cost); each makes its own articles.
t.setTimeout(120_000);
t.comment(`engine: ${engine}`);

const BODY = 'The council approved the plan after a long debate, and work starts in the spring. ';

const newsroom = (async () => {
  const db = await sharedDatabase(t);
  const [a, b] = await instances(t, db.target, [{ RESPONSE_CACHE_MB: '0' }, {}]);
  const [callA, callB] = clients([a!, b!], adminToken(db)) as [Call, Call];
  const desk = await callA('POST', '/v1/bureaus', { name: 'Multi Desk', location: 'Lisbon' });
  const author = await callA('POST', '/v1/authors', { name: 'Multi Reporter', bureau: 'multi-desk' });
  if (desk.status !== 201 || author.status !== 201) throw new Error(`setup: ${desk.status} ${author.status}`);
  let n = 0;
  /** A published article, created and published on `call`; returns its id and version. */
  const published = async (call: Call) => {
    const created = await call('POST', '/v1/articles', { headline: `Story ${++n}`, body: BODY, bureau: 'multi-desk', authors: ['multi-reporter'] });
    const id = created.json.id as number;
    const pub = await call('POST', `/v1/articles/${id}/publish`, {}, { 'if-match': `"v${created.json.version as number}"` });
    if (pub.status !== 200) throw new Error(`publish: ${pub.status} ${JSON.stringify(pub.json)}`);
    return { id, version: pub.json.version as number };
  };
  return { a: a!, b: b!, callA, callB, published };
})();
// Each test awaits it (and fails if the setup did); this only keeps an early failure from
// counting as an unhandled rejection before the first test has started waiting.
newsroom.catch(() => undefined);

/** An anonymous GET, as a browser or CDN sends it. */
async function get(base: string, path: string, etag?: string) {
  const res = await fetch(base + path, { headers: etag ? { 'if-none-match': etag } : {} });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag') ?? undefined, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

t.test('a write on one instance is what the other reads next, cached or not', async (t) => {
  const { a, b, callA, callB, published } = await newsroom;
  const stale: string[] = [];
  // Each round: the reader warms its view (and its cache), the writer changes the headline,
  // the reader's very next reads must show it: plain, conditional on the old ETag, listed, searched.
  for (let round = 1; round <= 12; round++) {
    const [write, reader] = round % 2 ? [callA, b] : [callB, a];
    const { id, version } = await published(write);
    const path = `/v1/articles/${id}`;
    const before = await get(reader.url, path);
    await get(reader.url, '/v1/articles?limit=5');
    t.equal(before.status, 200);
    t.equal((await get(reader.url, path, before.etag)).status, 304, 'unchanged: 304');
    const headline = `Changed headline ${round} zebrafinch${round}`;
    const patched = await write('PATCH', path, { headline }, { 'if-match': `"v${version}"` });
    t.equal(patched.status, 200);
    const plain = await get(reader.url, path);
    const conditional = await get(reader.url, path, before.etag);
    const list = await get(reader.url, '/v1/articles?limit=5');
    const search = await get(reader.url, `/v1/articles?q=zebrafinch${round}`);
    if (plain.json.headline !== headline) stale.push(`round ${round}: GET ${JSON.stringify(plain.json.headline)}`);
    if (conditional.status !== 200 || conditional.json.headline !== headline) stale.push(`round ${round}: conditional GET ${conditional.status}`);
    const listed = (list.json.data as { id: number; headline: string }[]).find((x) => x.id === id);
    if (listed?.headline !== headline) stale.push(`round ${round}: list ${JSON.stringify(listed?.headline)}`);
    const found = (search.json.data as { id: number }[] | undefined)?.map((x) => x.id);
    if (!found?.includes(id)) stale.push(`round ${round}: search ${search.status} ${JSON.stringify(found)}`);
  }
  t.same(stale, [], 'no stale 200, no stale 304, in either direction');
  t.same(errorLogs([a, b]), [], 'no instance logged an error');
});

t.test('two If-Match edits of one article on two instances at once: one 200, one 412', async (t) => {
  const { a, b, callA, callB, published } = await newsroom;
  const outcomes: string[] = [];
  for (let round = 1; round <= 15; round++) {
    const { id, version } = await published(round % 2 ? callA : callB);
    const ifMatch = { 'if-match': `"v${version}"` };
    const [ra, rb] = await Promise.all([
      callA('PATCH', `/v1/articles/${id}`, { standfirst: `From A, round ${round}` }, ifMatch),
      callB('PATCH', `/v1/articles/${id}`, { standfirst: `From B, round ${round}` }, ifMatch),
    ]);
    outcomes.push([ra.status, rb.status].sort().join('+'));
    const after = await callA('GET', `/v1/articles/${id}`);
    const winner = ra.status === 200 ? 'A' : 'B';
    t.equal(after.json.version, version + 1, 'one edit applied');
    t.equal(after.json.standfirst, `From ${winner}, round ${round}`, 'the one that answered 200');
  }
  t.same(new Set(outcomes), new Set(['200+412']), 'every round: exactly one 200 and one 412');
  t.same(errorLogs([a, b]), [], 'no instance logged an error');
});

t.test('one Idempotency-Key sent to two instances at once creates one article; both answers replay it', async (t) => {
  const { a, b, callA, callB } = await newsroom;
  const rounds = 15;
  const ids = new Set<number>();
  for (let round = 1; round <= rounds; round++) {
    const body = { headline: `Keyed story ${round}`, body: BODY, bureau: 'multi-desk', authors: ['multi-reporter'] };
    const key = { 'idempotency-key': `multi-${round}` };
    const [ra, rb] = await Promise.all([callA('POST', '/v1/articles', body, key), callB('POST', '/v1/articles', body, key)]);
    t.same([ra.status, rb.status], [201, 201], `round ${round}: both 201`);
    t.equal(ra.json.id, rb.json.id, 'the same article');
    t.same(ra.json, rb.json, 'the same body');
    const replayed = [ra, rb].filter((r) => r.headers.get('idempotent-replayed') === 'true').length;
    t.equal(replayed, 1, 'one created it, the other replayed it');
    ids.add(ra.json.id as number);
  }
  const list = await callA('GET', `/v1/articles?limit=100&status=draft`);
  const keyed = (list.json.data as { headline: string }[]).filter((x) => x.headline.startsWith('Keyed story'));
  t.equal(keyed.length, rounds, 'one article per key');
  t.equal(ids.size, rounds);
  t.same(errorLogs([a, b]), [], 'no instance logged an error');
});
