// Resolution: a symbolic request plan becomes a concrete request against the live database.

import { createPreviewSigner } from '../../../src/modules/articles/articles.preview.js';
import { type HttpMethod, type Operation } from './contract.js';
import { all, type FuzzEnv, one } from './fixtures.js';
import { safeWebhookUrl } from './odd-inputs.js';
import { type FixtureKind, isSym, PreviewOf, RealCursor, Ref, type RequestPlan, RevisionOf, TargetVersion } from './symbols.js';

/** UTF-8, except that lone surrogates are encoded as themselves (WTF-8) instead of U+FFFD. */
function wtf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

export function encodeComponent(s: string): string {
  let out = '';
  for (const b of wtf8(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}



const UNKNOWN_ID = 987654321;

type Resolved = { id: number; slug: string };
type Target = { table: 'articles' | 'authors' | 'bureaus' | 'tags' | null; row: { id: number; version: number } | null };

function fixtureRows(env: FuzzEnv, kind: FixtureKind): Promise<Resolved[]> {
  const db = env.ctx.app.db;
  const now = new Date().toISOString();
  switch (kind) {
    case 'bureau':
    case 'author':
    case 'tag':
      return all<Resolved>(db, `SELECT id, slug FROM ${kind}s ORDER BY id`);
    case 'article':
      return all<Resolved>(db, 'SELECT id, slug FROM articles ORDER BY id');
    case 'article:draft':
    case 'article:archived':
      return all<Resolved>(db, 'SELECT id, slug FROM articles WHERE status = ? ORDER BY id', kind.slice(8));
    case 'article:published':
      return all<Resolved>(db, "SELECT id, slug FROM articles WHERE status = 'published' AND published_at <= ? ORDER BY id", now);
    case 'article:scheduled':
      return all<Resolved>(db, "SELECT id, slug FROM articles WHERE status = 'published' AND published_at > ? ORDER BY id", now);
    case 'oldSlug:article':
    case 'oldSlug:author':
    case 'oldSlug:bureau':
      return all<Resolved>(db, 'SELECT resource_id AS id, slug FROM slug_history WHERE resource = ? ORDER BY slug', kind.slice(8));
    case 'token':
      return all<Resolved>(db, 'SELECT id, name AS slug FROM api_tokens ORDER BY id').then((rows) => rows.filter((r) => !env.protectedTokenIds.has(r.id)));
    case 'webhook':
      return all<Resolved>(db, 'SELECT id, url AS slug FROM webhooks ORDER BY id');
    case 'delivery':
      return all<Resolved>(db, 'SELECT id, event_id AS slug FROM webhook_deliveries ORDER BY id');
    case 'webhookOfDelivery':
      // Same order as 'delivery', so the same pick names a delivery and its own webhook.
      return all<Resolved>(db, 'SELECT webhook_id AS id, event_id AS slug FROM webhook_deliveries ORDER BY id');
  }
}

/** Every fixture kind a plan's path, query and body refer to. */
function refKinds(v: unknown, into = new Set<FixtureKind>()): Set<FixtureKind> {
  if (v instanceof Ref) into.add(v.kind);
  else if (Array.isArray(v)) for (const x of v) refKinds(x, into);
  else if (v && typeof v === 'object' && !isSym(v)) for (const x of Object.values(v)) refKinds(x, into);
  return into;
}

/**
 * The fixture rows of every kind the plan refers to, read before resolving: the database is
 * read asynchronously (either engine), while resolving the plan's values stays synchronous.
 */
async function fixturesFor(env: FuzzEnv, plan: RequestPlan): Promise<Map<FixtureKind, Resolved[]>> {
  const kinds = refKinds([Object.values(plan.path), plan.query.map(([, v]) => v), plan.body.kind === 'json' ? plan.body.value : null]);
  const rows = new Map<FixtureKind, Resolved[]>();
  for (const kind of kinds) rows.set(kind, await fixtureRows(env, kind));
  return rows;
}

function resolveRef(fixtures: Map<FixtureKind, Resolved[]>, ref: Ref): Resolved | null {
  const rows = fixtures.get(ref.kind) ?? [];
  return rows.length === 0 ? null : rows[ref.pick % rows.length]!;
}

async function findTarget(env: FuzzEnv, op: Operation, key: string | null): Promise<Target> {
  const tables = { article: 'articles', author: 'authors', bureau: 'bureaus', tag: 'tags' } as const;
  const table = op.resource in tables ? tables[op.resource as keyof typeof tables] : null;
  if (!table || key === null) return { table, row: null };
  // No stored slug holds a NUL (PostgreSQL's text cannot), and PostgreSQL rejects one as a parameter.
  if (key.includes('\u0000')) return { table, row: null };
  const db = env.ctx.app.db;
  const versioned = table === 'tags' ? '1 AS version' : 'version';
  const row =
    (await one<{ id: number; version: number }>(db, `SELECT id, ${versioned} FROM ${table} WHERE slug = ? OR CAST(id AS TEXT) = ?`, key, key)) ??
    (await one<{ id: number; version: number }>(
      db,
      `SELECT t.id, ${table === 'tags' ? '1 AS version' : 't.version'} FROM slug_history h JOIN ${table} t ON t.id = h.resource_id WHERE h.resource = ? AND h.slug = ?`,
      op.resource,
      key,
    ));
  return { table, row: row ?? null };
}

/** The target's current version, an older one (or, at version 1, one far ahead), or the next one. */
function versionFor(target: Target, v: TargetVersion): number {
  const current = target.row?.version ?? 1;
  if (v.which === 'current') return current;
  if (v.which === 'next') return current + 1;
  return current > 1 ? current - 1 : current + 1000;
}

export type ConcreteRequest = {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  /** The role behind the Authorization header, so reports never print a secret. */
  authLabel: string;
};

async function resolveCursor(env: FuzzEnv, pathname: string, plan: RequestPlan): Promise<string> {
  const sort = plan.query.find(([k, v]) => k === 'sort' && typeof v === 'string')?.[1];
  const url = `${pathname}?limit=1${typeof sort === 'string' ? `&sort=${encodeComponent(sort)}` : ''}`;
  const res = await env.ctx.app.inject({ method: 'GET', url, headers: env.ctx.auth });
  const next = res.statusCode === 200 ? (res.json() as { meta?: { nextCursor?: string | null } }).meta?.nextCursor : null;
  // On a last page there is none: a well-formed cursor for a sort that does not exist (a 400).
  return next ?? Buffer.from(JSON.stringify(['no-next-page', null, 1])).toString('base64url');
}

export async function resolvePlan(env: FuzzEnv, op: Operation, plan: RequestPlan): Promise<ConcreteRequest> {
  const db = env.ctx.app.db;
  let target: Target = { table: null, row: null };
  const fixtures = await fixturesFor(env, plan);
  const refValue = (ref: Ref): string | number => {
    const r = resolveRef(fixtures, ref);
    if (!r) return ref.form === 'id' ? UNKNOWN_ID : 'no-such-fixture';
    return ref.form === 'id' ? r.id : r.slug;
  };

  // Path.
  let pathname = op.path;
  const segments: Record<string, string> = {};
  for (const [name, value] of Object.entries(plan.path)) {
    let segment: string;
    if (value instanceof Ref) segment = encodeComponent(String(refValue(value)));
    else if (value instanceof RevisionOf) segment = '__revision__';
    else if (typeof value === 'string') segment = value;
    else segment = encodeComponent(String(value));
    segments[name] = segment;
  }
  if (segments.idOrSlug !== undefined) {
    let key: string | null = null;
    try {
      key = decodeURIComponent(segments.idOrSlug);
    } catch {
      key = null;
    }
    target = await findTarget(env, op, key);
  }
  const versions =
    target.row && target.table === 'articles'
      ? (await all<{ version: number }>(db, 'SELECT version FROM article_revisions WHERE article_id = ? ORDER BY version', target.row.id)).map((r) => r.version)
      : [];
  const revision = (r: RevisionOf): string => {
    return String(versions.length === 0 ? r.pick + 1 : versions[r.pick % versions.length]!);
  };
  for (const [name, value] of Object.entries(plan.path)) {
    if (value instanceof RevisionOf) segments[name] = revision(value);
  }
  // Never revoke the tokens the fuzzer itself sends.
  if (op.resource === 'token' && segments.id !== undefined && env.protectedTokenIds.has(Number(segments.id))) segments.id = String(UNKNOWN_ID);
  for (const [name, segment] of Object.entries(segments)) {
    // app.inject parses the URL with the WHATWG parser, which resolves `.` and `..` segments
    // (`%2e%2e` included) before the app sees them: the request would reach another route.
    // A real HTTP request keeps them (the server answers 400), so they are not sent here.
    pathname = pathname.replace(`{${name}}`, /^(?:\.|%2e){1,2}$/i.test(segment) ? '...' : segment);
  }

  // Query.
  const pairs: string[] = [];
  for (const [key, value] of plan.query) {
    let v: string;
    if (value instanceof RealCursor) v = await resolveCursor(env, pathname, plan);
    else if (value instanceof RevisionOf) v = revision(value);
    else if (value instanceof Ref) v = String(refValue(value));
    else if (value instanceof PreviewOf) {
      const signer = createPreviewSigner(db);
      const id = target.row?.id ?? UNKNOWN_ID;
      v =
        value.state === 'valid'
          ? await signer.sign(id, new Date(Date.now() + 3_600_000))
          : value.state === 'expired'
            ? await signer.sign(id, new Date(Date.now() - 3_600_000))
            : await signer.sign(id + 1, new Date(Date.now() + 3_600_000));
    } else if (value instanceof TargetVersion) v = String(versionFor(target, value));
    else v = value;
    pairs.push(`${encodeComponent(key)}=${encodeComponent(v)}`);
  }
  if (plan.rawQuery !== '') pairs.push(plan.rawQuery);
  const url = pairs.length > 0 ? `${pathname}?${pairs.join('&')}` : pathname;

  // Headers.
  const headers: Record<string, string> = { ...plan.headers };
  let authLabel = 'none';
  if (typeof plan.auth === 'object') {
    headers.authorization = plan.auth.raw;
    authLabel = 'raw';
  } else if (plan.auth !== 'none') {
    headers.authorization = `Bearer ${env.tokens[plan.auth]}`;
    authLabel = plan.auth;
  }
  if (plan.ifMatch instanceof TargetVersion) {
    const v = versionFor(target, plan.ifMatch);
    headers['if-match'] = plan.ifMatch.style === 'weak' ? `W/"v${v}"` : `"v${v}"`;
  } else if (plan.ifMatch !== null) headers['if-match'] = plan.ifMatch;
  if (plan.idempotencyKey !== null) headers['idempotency-key'] = plan.idempotencyKey;
  if (plan.contentType !== null) headers['content-type'] = plan.contentType;

  // Body.
  const resolveDeep = (v: unknown): unknown => {
    if (v instanceof Ref) return refValue(v);
    if (v instanceof TargetVersion) return versionFor(target, v);
    if (isSym(v)) return String(v);
    if (Array.isArray(v)) return v.map(resolveDeep);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: resolveDeep(x), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  let payload: string | Buffer | undefined;
  if (plan.body.kind === 'json') {
    let value = resolveDeep(plan.body.value);
    if (op.id === 'createWebhook' && value && typeof value === 'object' && !Array.isArray(value) && 'url' in value) {
      value = { ...value, url: safeWebhookUrl((value as { url: unknown }).url) };
    }
    payload = JSON.stringify(value);
  } else if (plan.body.kind === 'raw') payload = plan.body.text;
  else if (plan.body.kind === 'bytes') payload = Buffer.from(plan.body.bytes);
  if (op.id === 'createWebhook' && typeof payload === 'string' && /https?:/i.test(payload) && plan.body.kind !== 'json') {
    payload = undefined; // a raw body is never a way round the webhook-address guard
  }
  return { method: op.method, url, headers, payload, authLabel };
}
