import { z } from 'zod';
import { SLUG_PATTERN } from '../../lib/slug.js';

export const SlugSchema = z
  .string()
  .max(120)
  .regex(SLUG_PATTERN, 'Use lower-case letters, digits and single hyphens, not only digits')
  .meta({ description: 'URL-safe identifier, unique per resource', examples: ['washington-bureau'] });

export const IdOrSlugParams = z.object({
  idOrSlug: z
    .string()
    .min(1)
    .max(120)
    .meta({ description: 'Numeric id (`42`) or slug (`washington-bureau`)' }),
});

// Query and path values arrive as strings; the schemas below parse them strictly, and their
// metadata gives the contract the type the server really accepts (an integer with bounds, a
// boolean, an array of enum values sent comma-separated: `style: form, explode: false`, set
// in lib/openapi-contract.ts), so generated clients are typed right and send what passes.

/** `?include=a,b` and friends: comma-separated values from a fixed list. */
export const csvEnum = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .meta({ type: 'array', items: { type: 'string', enum: [...values] }, uniqueItems: true } as Record<string, unknown>)
    .transform((s, ctx) => {
      const parts = s === '' ? [] : s.split(',').map((p) => p.trim());
      const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `Unknown value ${bad.map((b) => `"${b}"`).join(', ')}; use ${values.join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(parts)] as T[];
    })
    .pipe(z.array(z.enum(values)));

/** A whole number in a query string: plain decimal digits only (no `0x10`, `1e1` or blanks). */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'Expected a whole number')
    .meta({ type: 'integer', minimum: min, maximum: max, pattern: undefined } as Record<string, unknown>)
    .transform(Number)
    .pipe(z.int().min(min).max(max));

/**
 * The largest id: PostgreSQL's ids are `integer` (32-bit), so a larger one can name no row on
 * either engine, and sent to PostgreSQL it would be an out-of-range error rather than a miss.
 */
export const MAX_ID = 2_147_483_647;

/** A positive id in a path or query string. */
export const idParam = () => intParam(1, MAX_ID);

/** `true` or `false` in a query string. */
export const boolParam = () =>
  z
    .enum(['true', 'false'])
    .meta({ type: 'boolean', enum: undefined } as Record<string, unknown>)
    .transform((v) => v === 'true');

export const PagingQuery = z.object({
  limit: intParam(1, 100).default(20).meta({ description: 'Items per page: 1–100, default 20', default: 20 }),
  cursor: z
    .string()
    .max(500)
    .optional()
    .meta({ description: 'Opaque keyset cursor from `meta.nextCursor`; stable while new items arrive' }),
  offset: intParam(0, 1_000_000)
    .optional()
    .meta({ description: 'Rows to skip (0–1,000,000), for page numbers; cannot be combined with `cursor`' }),
  total: boolParam()
    .optional()
    .meta({ description: 'Set `true` to get `meta.total`; it costs a count, so it is only given when asked for' }),
});

export const ListMetaSchema = z
  .object({
    limit: z.int(),
    offset: z.int().optional().describe('Present when paging by offset'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
    total: z.int().optional().describe('Number of matching items; only when `total=true` was asked for'),
  })
  .meta({ id: 'ListMeta' });

export const listOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), meta: ListMetaSchema }).meta({ id });

export const bearer = [{ bearerAuth: [] }];
/** Public reads: no token needed, and one widens the answer. `{}` first shows an open padlock. */
export const optionalBearer = [{}, ...bearer];

export type PagingInput = z.output<typeof PagingQuery>;

/** A reference in a request body: a numeric id or a slug. */
export const RefSchema = z
  .union([z.int().positive(), z.string().min(1).max(120)])
  .meta({ description: 'Numeric id or slug of the referenced item' });

/** The short form of a related item embedded in another resource. */
export const SummarySchema = z
  .object({ id: z.int(), slug: z.string(), name: z.string() })
  .meta({ id: 'Summary', examples: [{ id: 1, slug: 'washington-bureau', name: 'Washington Bureau' }] });

/** Public reads answer conditional requests; see plugins/caching.ts. */
export const notModified = {
  304: z.undefined().describe('Not modified: the copy named by `If-None-Match` or `If-Modified-Since` is current'),
};

// The address rule the contract declares (`format: email`, as JSON Schema validators such as
// Ajv read it): labels may not start or end with a hyphen. zod's default is looser.
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
export const EmailSchema = z.email({ pattern: EMAIL });

/** POST creates: the optional key that makes a retry safe (checked in plugins/idempotency.ts). */
// No example: Swagger UI and generated collections would send the same key on every create,
// and the second create would be a 422.
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'Use 1–200 visible ASCII characters')
    .optional()
    .describe(
      'Any 1–200 visible ASCII characters, unique per create (e.g. a UUID). A retry with the same key and body replays the first response with `Idempotent-Replayed: true`; the same key with another body is a 422. Keys are kept 24 hours, per token.',
    ),
});
