// Generators that reach real fixtures (ids, slugs, cursors, query values) and the wild
// credentials, headers and bodies the request plans mix in.

import fc from 'fast-check';
import { type Operation, type Parameter } from './contract.js';
import { MIN_AUTHORS, MIN_TAGS } from './fixtures.js';
import { dateTime, NASTY_HEADER_VALUES, NASTY_SEGMENTS, NASTY_STRINGS, SAFE_WEBHOOK, TITLE_WORDS } from './odd-inputs.js';
import { encodeComponent } from './resolve.js';
import { type Hints, typesOf } from './schema-gen.js';
import { type AuthChoice, type BodyPlan, type FixtureKind, isSym, PreviewOf, RealCursor, Ref, RevisionOf, type Sym, TargetVersion } from './symbols.js';

const articleKinds: FixtureKind[] = ['article', 'article:draft', 'article:published', 'article:scheduled', 'article:archived'];

const refArb = (kinds: FixtureKind[], forms: Array<'id' | 'slug'>) =>
  fc.tuple(fc.constantFrom(...kinds), fc.nat({ max: 50 }), fc.constantFrom(...forms)).map(([k, p, f]) => new Ref(k, p, f));

/** A comma-separated subset of the allowed values (repeats and blanks around them are allowed too). */
const csv = (values: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.subarray(values).map((a) => a.join(',')) },
    { weight: 1, arbitrary: fc.subarray(values, { minLength: 1 }).map((a) => [...a, a[0]!].map((v) => ` ${v} `).join(',')) },
  );

/** Bylines or tags that name distinct fixtures (picks below the minimum kept), mostly; sometimes any. */
const refListArb = (kind: 'author' | 'tag', distinct: number) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .uniqueArray(fc.nat({ max: distinct - 1 }), { maxLength: distinct })
        .chain((picks) => fc.tuple(...picks.map((p) => fc.constantFrom('id' as const, 'slug' as const).map((form) => new Ref(kind, p, form))))),
    },
    { weight: 1, arbitrary: fc.array(refArb([kind], ['id', 'slug']), { maxLength: 4 }) },
  );

/** Text as a reader would type it into the search box, FTS5 syntax included. */
const searchText = fc.oneof(
  fc.constantFrom('court', 'headline', 'lisbon', 'brasilia', 'Brasília', '"first paragraph"', 'sec*', 'the', 'é'),
  fc.array(fc.constantFrom(...NASTY_STRINGS, 'court', 'AND', 'OR', 'NOT', 'NEAR', '(', ')', '"', '*', ':', '^', '{a b}', '-x', '+y'), {
    minLength: 1,
    maxLength: 6,
  }).map((a) => a.join(' ')),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('x'.repeat(200), 'x'.repeat(201), ' '.repeat(5), 'a'.repeat(199) + '*', '"'.repeat(50)),
);

const craftedCursor = fc
  .tuple(
    fc.constantFrom<unknown>('-publishedAt', 'publishedAt', 'headline', '-headline', '-updatedAt', 'relevance', 'name', 'id', 'x', 1, null),
    fc.constantFrom<unknown>(null, '', 'zzz', '2020-01-01T00:00:00.000Z', '\u0000', 1, 1.5, { a: 1 }, [1], 'x'.repeat(300)),
    fc.constantFrom<unknown>(1, 0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, '1', null, 1e308),
    fc.boolean(),
  )
  .map(([sort, key, id, wellFormed]) => Buffer.from(JSON.stringify(wellFormed ? [sort, key, id] : { sort, key, id })).toString('base64url'));

const badCursor = fc.oneof(
  craftedCursor,
  fc.constantFrom('', 'garbage', '!!!!', '=', 'W10', 'bnVsbA', 'e30', 'x'.repeat(500), 'x'.repeat(501), '%', '\u0000', '😀'),
  fc.base64String({ maxLength: 60 }),
);

export function queryHints(op: Operation): Hints {
  const sorts = (op.parameters.find((p) => p.name === 'sort')?.schema.enum ?? []) as string[];
  const articleFields = ['slug', 'headline', 'standfirst', 'dateline', 'language', 'status', 'publishedAt', 'wordCount', 'version', 'createdAt', 'updatedAt', 'readingTimeMinutes', 'featuredImage', 'bureau', 'authors', 'tags', 'body', 'bodyHtml', 'bodyText'];
  return {
    // The contract only says "digits"; the description gives the range, so most values keep to it.
    limit: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 100 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('0', '101', '1', '100', '999999999999999') },
    ),
    offset: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 30 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('1000000', '1000001') },
    ),
    cursor: fc.oneof({ weight: 6, arbitrary: fc.constant(new RealCursor()) }, { weight: 1, arbitrary: badCursor }),
    include: csv(['authors', 'bureau', 'tags']),
    formats: csv(['markdown', 'html', 'text']),
    fields: csv(articleFields),
    bureau: refArb(['bureau'], ['slug']),
    author: refArb(['author'], ['slug']),
    tag: refArb(['tag'], ['slug']),
    language: fc.constantFrom('en', 'pt-BR', 'de', 'EN', 'x', ''),
    q: searchText,
    preview: fc.oneof(
      { weight: 4, arbitrary: fc.constant(new PreviewOf('valid')) },
      { weight: 1, arbitrary: fc.constantFrom(new PreviewOf('expired'), new PreviewOf('other')) },
    ),
    from: fc.nat({ max: 10 }).map((p) => new RevisionOf(p)),
    to: fc.nat({ max: 10 }).map((p) => new RevisionOf(p)),
    resourceId: fc.integer({ min: 1, max: 40 }).map(String),
    before: fc.integer({ min: 1, max: 200 }).map(String),
    sort: sorts.length > 0 ? fc.constantFrom(...sorts) : fc.constant('name'),
    publishedAfter: dateTime(),
    publishedBefore: dateTime(),
  };
}

/** Generators by body property name that reach real fixtures, so valid bodies can succeed. */
export function bodyHints(op: Operation): Hints {
  const slugKind: FixtureKind | null =
    op.resource === 'bureau' || op.resource === 'author' || op.resource === 'tag' || op.resource === 'article' ? op.resource : null;
  const hints: Hints = {
    bureau: refArb(['bureau'], ['id', 'slug']),
    authors: refListArb('author', MIN_AUTHORS),
    tags: refListArb('tag', MIN_TAGS),
    author: refArb(['author'], ['id', 'slug']),
    version: fc.oneof(
      { weight: 6, arbitrary: fc.constant(new TargetVersion('current', 'number')) },
      { weight: 1, arbitrary: fc.constantFrom(new TargetVersion('stale', 'number'), new TargetVersion('next', 'number')) },
    ),
    // Realistic names and headlines with a counter, so creates do not all collide on one slug.
    name: fc.tuple(fc.constantFrom(...TITLE_WORDS), fc.constantFrom(...TITLE_WORDS), fc.nat({ max: 1_000_000 })).map(([a, b, n]) => `${a} ${b} ${n}`),
    headline: fc
      .tuple(fc.constantFrom(...TITLE_WORDS), fc.constantFrom(...TITLE_WORDS), fc.constantFrom(...TITLE_WORDS), fc.nat({ max: 1_000_000 }))
      .map(([a, b, c, n]) => `${a} ${b} ${c} ${n}`),
    url: fc
      .tuple(fc.webSegment(), fc.constantFrom('', '?a=1', '#f', '/deeper/path'))
      .map(([seg, tail]) => `${SAFE_WEBHOOK}/${seg}${tail}`),
    events: fc.subarray(['article.published', 'article.*', 'author.*', 'bureau.deleted'], { minLength: 1 }),
  };
  if (slugKind) {
    // Mostly a new slug; sometimes one that is taken (409) or was used before (it redirects: 409 too).
    hints.slug = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom('fresh', 'new-slug', 'x'), fc.nat({ max: 1_000_000 })).map(([a, n]) => `${a}-${n}`) },
      { weight: 1, arbitrary: refArb(slugKind === 'article' ? articleKinds : [slugKind], ['slug']) },
      ...(slugKind === 'tag' ? [] : [{ weight: 1, arbitrary: fc.constant(new Ref(`oldSlug:${slugKind}`, 0, 'slug')) }]),
    );
  }
  return hints;
}

type Weighted<T> = fc.WeightedArbitrary<T>;
export type QueryPairs = Array<[string, string | Sym]>;

/** Credentials other than the admin token: weaker roles, dead tokens, malformed headers. */
export const wildAuthArb = (op: Operation): fc.Arbitrary<AuthChoice> =>
  fc.oneof(
    { weight: op.public ? 2 : 4, arbitrary: fc.constant<AuthChoice>('none') },
    { weight: 5, arbitrary: fc.constantFrom<AuthChoice>('editor', 'writer', 'viewer') },
    { weight: 2, arbitrary: fc.constantFrom<AuthChoice>('revoked', 'expired') },
    {
      weight: 4,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            'Bearer',
            'Bearer ',
            'Bearer  ',
            'bearer',
            'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
            'Token abc',
            'Bearer dl_',
            `Bearer dl_aaaaaaaaaaaa_${'b'.repeat(43)}`,
            'Bearer null',
            `Bearer ${'x'.repeat(5000)}`,
            ...NASTY_HEADER_VALUES,
          ),
          fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `Bearer ${s}`),
        )
        .map((raw): AuthChoice => ({ raw })),
    },
  );

export const validIfMatchArb = (required: boolean): fc.Arbitrary<string | TargetVersion | null> =>
  fc.oneof(
    { weight: required ? 1 : 4, arbitrary: fc.constant(null) },
    { weight: 6, arbitrary: fc.constantFrom(new TargetVersion('current', 'strong'), new TargetVersion('current', 'weak')) },
    { weight: 1, arbitrary: fc.constant('*') },
  );

export const wildIfMatchArb: fc.Arbitrary<string | TargetVersion | null> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(new TargetVersion('stale'), new TargetVersion('next')) },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom('"v0"', '"v-1"', '"v1.5"', '"v99999999999999999999"', 'v1', '"1"', 'W/"v1", "v2"', '"v1",', ' * ', '"v 1"', ...NASTY_HEADER_VALUES),
      fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
    ),
  },
);

export const validIdempotencyArb: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,40}$/) },
);

export const wildIdempotencyArb: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2') },
  { weight: 1, arbitrary: fc.constantFrom('has space', 'x'.repeat(201), '', 'é', '\t', 'x'.repeat(200)) },
);

export const wildContentTypeArb: fc.Arbitrary<string | null> = fc.constantFrom(
  null,
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/jsonx',
  'application/problem+json',
  'application/octet-stream',
  '*/*',
  '',
  'application/json, text/plain',
);

/** Whole request bodies that are not a JSON value of the right shape, or not JSON at all. */
export const RAW_BODIES: BodyPlan[] = [
  { kind: 'raw', text: '' },
  { kind: 'raw', text: '   ' },
  { kind: 'raw', text: 'null' },
  { kind: 'raw', text: '[]' },
  { kind: 'raw', text: 'true' },
  { kind: 'raw', text: '123' },
  { kind: 'raw', text: '"a string"' },
  { kind: 'raw', text: '{' },
  { kind: 'raw', text: '{"name":' },
  { kind: 'raw', text: "{'name': 'single quotes'}" },
  { kind: 'raw', text: '{"name": "x",}' },
  { kind: 'raw', text: '{"version": 1e400, "name": "x"}' },
  { kind: 'raw', text: '{"version": -0, "expiresInSeconds": 1e2}' },
  { kind: 'raw', text: '{"name":"a","name":"b"}' },
  { kind: 'raw', text: '\uFEFF{"name":"bom"}' },
  { kind: 'raw', text: '{"name":"nul\\u0000byte"}' },
  { kind: 'raw', text: '{"name":"\\ud800"}' },
  { kind: 'raw', text: '{"__proto__":{"admin":true},"name":"proto"}' },
  { kind: 'raw', text: '{"constructor":{"prototype":{"admin":true}}}' },
  { kind: 'raw', text: `${'['.repeat(200)}${']'.repeat(200)}` },
  { kind: 'raw', text: `${'{"a":'.repeat(200)}1${'}'.repeat(200)}` },
  { kind: 'raw', text: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { kind: 'raw', text: `{"name":"${'x'.repeat(1_100_000)}"}` },
  { kind: 'raw', text: 'name=x&location=y' },
  { kind: 'bytes', bytes: [0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0xaf, 0x22, 0x7d] },
  { kind: 'bytes', bytes: [0xef, 0xbb, 0xbf, 0x7b, 0x7d] },
  { kind: 'bytes', bytes: [0x00, 0x01, 0x02] },
];

export const wildHeadersArb: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'if-none-match': fc.constantFrom('*', 'W/"1-0"', '"v1"', 'garbage', ''),
    'if-modified-since': fc.constantFrom('Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'not a date', ''),
    'x-request-id': fc.constantFrom('fuzz', '', 'x'.repeat(3000), '../../', '%00'),
    accept: fc.constantFrom('application/json', 'text/html', 'application/xml', '*/*', ''),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'identity;q=0', '*'),
    'content-length': fc.constantFrom('0', '-1', 'abc', '99999999'),
    'x-http-method-override': fc.constantFrom('DELETE', 'PATCH'),
    origin: fc.constantFrom('https://evil.example', 'null'),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage, 10.0.0.1'),
  },
  { requiredKeys: [] },
);

/** A path segment that names a real fixture (or at least looks like it could). */
export const validSegmentArb = (p: Parameter, op: Operation, shared: number): fc.Arbitrary<string | Sym> => {
  const integer = typesOf(p.schema).includes('integer');
  const options: Array<Weighted<string | Sym>> = [];
  if (p.name === 'idOrSlug') {
    const kinds = op.resource === 'article' ? articleKinds : [op.resource as FixtureKind];
    options.push({ weight: 12, arbitrary: refArb(kinds, ['id', 'slug']) });
    if (op.resource === 'article' || op.resource === 'author' || op.resource === 'bureau') {
      options.push({ weight: 1, arbitrary: fc.constant(new Ref(`oldSlug:${op.resource}`, shared, 'slug')) });
    }
  } else if (p.name === 'version') {
    options.push({ weight: 12, arbitrary: fc.nat({ max: 10 }).map((n) => new RevisionOf(n)) });
  } else if (p.name === 'deliveryId') {
    options.push({ weight: 12, arbitrary: fc.constant(new Ref('delivery', shared, 'id')) });
  } else if (p.name === 'id') {
    const kind: FixtureKind =
      op.resource === 'token' ? 'token' : op.parameters.some((q) => q.name === 'deliveryId') ? 'webhookOfDelivery' : 'webhook';
    options.push({ weight: 12, arbitrary: fc.constant(new Ref(kind, shared, 'id')) });
  }
  // Valid per the schema, but (almost surely) nothing there: a 404.
  const schemaValue = integer ? fc.integer({ min: 1, max: 2000 }).map(String) : fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 });
  options.push({ weight: 1, arbitrary: schemaValue.map(encodeComponent) });
  return fc.oneof(...options);
};

export const wildSegmentArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_SEGMENTS),
  fc.constantFrom(...NASTY_STRINGS.filter((s) => s.length > 0)).map(encodeComponent),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeComponent),
);

export const queryValueToString = (v: unknown): string | Sym => (isSym(v) ? v : typeof v === 'string' ? v : JSON.stringify(v));
