// The app under test: a fresh app with a token per role, and the fixtures topped up before
// every case.

import type { Test } from 'tap';
import { createPreviewSigner } from '../../../src/modules/articles/articles.preview.js';
import { createToken } from '../../../src/modules/tokens/tokens.service.js';
import { buildTestApp, type TestApp } from '../app.js';
import { rawSql, rawValue } from '../db.js';
import { type KnownBug } from './check.js';
import { type HttpMethod, type SchemaValidator } from './contract.js';
import { SAFE_WEBHOOK } from './odd-inputs.js';
import { FuzzStats } from './stats.js';

type Role = 'admin' | 'editor' | 'writer' | 'viewer' | 'revoked' | 'expired';

export type FuzzEnv = {
  ctx: TestApp;
  validate: SchemaValidator;
  tokens: Record<Role, string>;
  /** Tokens the fuzzer itself uses: revokeToken never gets their ids. */
  protectedTokenIds: Set<number>;
  stats: FuzzStats;
  knownBugs: KnownBug[];
};

/** What buildTestApp needs from a tap Test: somewhere to register the clean-up. */
export type Teardown = { teardown: (fn: () => unknown) => void };

let fixtureCounter = 0;
const MIN_BUREAUS = 2;
export const MIN_AUTHORS = 3;
export const MIN_TAGS = 2;
const fresh = (label: string) => `${label} ${++fixtureCounter}`;

async function api(ctx: TestApp, method: HttpMethod, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await ctx.app.inject({
    method,
    url,
    headers: { ...ctx.auth, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  if (res.statusCode >= 300) throw new Error(`fixture ${method} ${url} → ${res.statusCode}: ${res.body.slice(0, 500)}`);
  return res.statusCode === 204 ? null : (res.json() as { id: number; slug?: string; version?: number });
}

export type Db = TestApp['app']['db'];
// Fixture queries go through the engine-neutral raw SQL of helpers/db.ts (`?` parameters), so
// the fuzzer runs on SQLite and PostgreSQL alike. PostgreSQL answers counts and sums as strings.
export const all = <T>(db: Db, sql: string, ...args: unknown[]) => rawSql<T>(db, sql, ...args);
export const one = async <T>(db: Db, sql: string, ...args: unknown[]) => (await rawSql<T>(db, sql, ...args))[0];
export const count = async (db: Db, sql: string, ...args: unknown[]) => Number((await rawValue(db, sql, ...args)) ?? 0);

/** A fresh app with tokens for every role, on which fixtures are topped up before each case. */
export async function startFuzzApp(t: Teardown, validate: SchemaValidator, stats: FuzzStats, knownBugs: KnownBug[]): Promise<FuzzEnv> {
  // buildTestApp only calls t.teardown; the fuzz script passes its own collector.
  const ctx = await buildTestApp(t as Test);
  const db = ctx.app.db;
  const adminId = (await one<{ id: number }>(db, 'SELECT id FROM api_tokens ORDER BY id LIMIT 1'))!.id;
  const author = await api(ctx, 'POST', '/v1/authors', { name: fresh('Writer Byline'), email: 'writer@example.com' });
  const editor = await createToken(db, { name: 'fuzz editor', role: 'editor' });
  const writer = await createToken(db, { name: 'fuzz writer', role: 'writer', authorId: author!.id });
  const viewer = await createToken(db, { name: 'fuzz viewer', role: 'viewer' });
  const expired = await createToken(db, { name: 'fuzz expired', role: 'admin', expiresAt: '2001-01-01T00:00:00.000Z' });
  const revoked = await createToken(db, { name: 'fuzz revoked', role: 'admin' });
  await api(ctx, 'DELETE', `/v1/tokens/${revoked.id}`);
  // The preview-signing key is made on first use; make it now so a read never creates it.
  await createPreviewSigner(db).sign(1, new Date());

  const env: FuzzEnv = {
    ctx,
    validate,
    tokens: { admin: ctx.token, editor: editor.token, writer: writer.token, viewer: viewer.token, revoked: revoked.token, expired: expired.token },
    protectedTokenIds: new Set([adminId, editor.id, writer.id, viewer.id, revoked.id, expired.id]),
    stats,
    knownBugs,
  };
  await replenish(env);
  // Old slugs, so 308 redirects are reachable.
  for (const resource of ['bureaus', 'authors'] as const) {
    const row = (await one<{ id: number }>(db, `SELECT id FROM ${resource} ORDER BY id DESC LIMIT 1`))!;
    await api(ctx, 'PATCH', `/v1/${resource}/${row.id}`, { slug: `renamed-${resource}-${++fixtureCounter}` });
  }
  const draft = (await one<{ id: number; version: number }>(db, "SELECT id, version FROM articles WHERE status = 'draft' ORDER BY id LIMIT 1"))!;
  await api(ctx, 'PATCH', `/v1/articles/${draft.id}`, { slug: `renamed-article-${++fixtureCounter}` }, { 'if-match': `"v${draft.version}"` });
  return env;
}

/** Keeps enough of everything around for the next case, whatever earlier cases deleted. */
export async function replenish(env: FuzzEnv): Promise<void> {
  const { ctx } = env;
  const db = ctx.app.db;
  const now = new Date().toISOString();
  while (await count(db, 'SELECT count(*) FROM bureaus') < MIN_BUREAUS) await api(ctx, 'POST', '/v1/bureaus', { name: fresh('Fuzz Bureau'), location: 'Lisbon' });
  while (await count(db, 'SELECT count(*) FROM authors') < MIN_AUTHORS) {
    const bureau = (await one<{ id: number }>(db, 'SELECT id FROM bureaus ORDER BY id LIMIT 1'))!;
    await api(ctx, 'POST', '/v1/authors', { name: fresh('Fuzz Author'), email: `fuzz${fixtureCounter}@example.com`, bureau: bureau.id });
  }
  while (await count(db, 'SELECT count(*) FROM tags') < MIN_TAGS) await api(ctx, 'POST', '/v1/tags', { name: fresh('Fuzz Tag') });

  const newArticle = async () => {
    const bureau = (await one<{ id: number }>(db, 'SELECT id FROM bureaus ORDER BY id LIMIT 1'))!.id;
    const authors = (await all<{ id: number }>(db, 'SELECT id FROM authors ORDER BY id LIMIT 2')).map((a) => a.id);
    const tags = (await all<{ id: number }>(db, 'SELECT id FROM tags ORDER BY id LIMIT 1')).map((a) => a.id);
    return (await api(ctx, 'POST', '/v1/articles', {
      headline: fresh('Fuzz headline about the court'),
      standfirst: 'A standfirst — with “quotes”.',
      dateline: 'Lisbon',
      body: 'Lisbon: The first paragraph.\n\nThe second *paragraph*.',
      bureau,
      authors,
      tags,
    }))!;
  };
  const transition = async (a: { id: number; version?: number }, action: string, payload?: unknown) =>
    (await api(ctx, 'POST', `/v1/articles/${a.id}/${action}`, payload, { 'if-match': `"v${a.version ?? 1}"` }))!;

  if (await count(db, "SELECT count(*) FROM articles WHERE status = 'draft'") < 2) await newArticle();
  if (await count(db, "SELECT count(*) FROM articles WHERE status = 'published' AND published_at <= ?", now) < 2) {
    await transition(await newArticle(), 'publish');
  }
  if (await count(db, "SELECT count(*) FROM articles WHERE status = 'published' AND published_at > ?", now) < 1) {
    await transition(await newArticle(), 'publish', { publishedAt: '2101-01-01T06:00:00.000Z' });
  }
  if (await count(db, "SELECT count(*) FROM articles WHERE status = 'archived'") < 1) {
    const published = await transition(await newArticle(), 'publish');
    await transition(published, 'archive');
  }
  if (await count(db, `SELECT count(*) FROM webhooks WHERE active AND url LIKE '${SAFE_WEBHOOK}/%'`) < 1) {
    await api(ctx, 'POST', '/v1/webhooks', { url: `${SAFE_WEBHOOK}/fuzz`, events: ['article.*', 'author.*', 'bureau.*'] });
  }
  if (await count(db, 'SELECT count(*) FROM webhook_deliveries') < 2) {
    await api(ctx, 'POST', '/v1/bureaus', { name: fresh('Bureau for a delivery') });
  }
  await keepSmall(env);
  const revocable = await count(
    db,
    `SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL AND id NOT IN (${[...env.protectedTokenIds].join(',')})`,
  );
  for (let i = revocable; i < 2; i++) await createToken(db, { name: fresh('fuzz victim'), role: 'viewer' });
  // A scheduled article that fell due is announced now, not in the middle of a measured case.
  await ctx.app.scheduler.runOnce();
}

const TOO_BIG = 2_000_000;

/**
 * Big bodies (a 500 000-character body is valid) are copied into renderings, revisions and
 * webhook payloads, and every snapshot hashes them all: past ~2 MB, the biggest articles and
 * the webhooks (their deliveries go with them) are deleted through the API, between cases.
 */
async function keepSmall(env: FuzzEnv): Promise<void> {
  const { ctx } = env;
  const db = ctx.app.db;
  const articleBytes = async () =>
    await count(db, 'SELECT coalesce(sum(length(body) + length(body_html) + length(body_text)), 0) FROM articles') +
    await count(db, 'SELECT coalesce(sum(length(CAST(snapshot AS TEXT))), 0) FROM article_revisions');
  for (let i = 0; i < 20 && (await articleBytes()) > TOO_BIG; i++) {
    const big = await one<{ id: number; version: number }>(
      db,
      'SELECT a.id, a.version FROM articles a ORDER BY length(a.body) + (SELECT coalesce(sum(length(CAST(snapshot AS TEXT))), 0) FROM article_revisions r WHERE r.article_id = a.id) DESC LIMIT 1',
    );
    if (!big) break;
    await api(ctx, 'DELETE', `/v1/articles/${big.id}`, undefined, { 'if-match': `"v${big.version}"` });
  }
  if (await count(db, 'SELECT coalesce(sum(length(payload)), 0) FROM webhook_deliveries') > TOO_BIG) {
    for (const hook of await all<{ id: number }>(db, 'SELECT id FROM webhooks')) await api(ctx, 'DELETE', `/v1/webhooks/${hook.id}`);
  }
}
