import { z } from 'zod';
import { intParam } from '../shared/schemas.js';

// The subset of IPTC ninjs 3.3 that Dateline fills in; test/ninjs.test.ts validates every
// answer against the IPTC's own schema (test/fixtures/ninjs), which allows nothing else.
const Text = z.object({ role: z.string().optional(), contentType: z.string().optional(), value: z.string() });
const Rendition = z.object({ name: z.string(), href: z.string(), contentType: z.string().optional(), title: z.string().optional() });
const Concept = z.object({ name: z.string(), rel: z.string().optional(), uri: z.string().optional(), literal: z.string().optional() });

export const NINJS_VERSION = '3.3';
export const NINJS_SCHEMA = 'http://www.iptc.org/std/ninjs/ninjs-schema_3.3.json#';

const Core = z.object({
  uri: z.string().describe('Stable `tag:` URI: survives slug changes'),
  type: z.enum(['text', 'picture']),
  representationType: z.literal('full').optional(),
  version: z.string().optional().describe('The article version (as in its ETag)'),
  firstCreated: z.iso.datetime().optional(),
  versionCreated: z.iso.datetime().optional(),
  contentCreated: z.iso.datetime().optional(),
  pubStatus: z.literal('usable').optional(),
  language: z.string().optional(),
  slugline: z.string().optional(),
  headlines: z.array(Text).optional(),
  descriptions: z.array(Text).optional(),
  bodies: z.array(Text.extend({ charCount: z.int(), wordCount: z.int() })).optional(),
  by: z.string().optional().describe('The byline as written, authors in order'),
  people: z.array(Concept).optional().describe('The authors, `rel: author`'),
  organisations: z.array(Concept).optional().describe('The filing bureau, `rel: bureau`'),
  located: z.string().optional().describe('The dateline'),
  subjects: z.array(Concept).optional().describe('The tags'),
  renditions: z.array(Rendition).optional(),
  altIds: z.array(z.object({ role: z.string(), value: z.string() })).optional(),
  copyrightHolder: z.string().optional(),
});

export const NinjsSchema = Core.extend({
  associations: z
    .array(Core.extend({ name: z.string(), rel: z.string().optional() }))
    .optional()
    .describe('The featured image, as a `picture` with its rendition'),
  standard: z.object({ name: z.literal('ninjs'), version: z.literal(NINJS_VERSION), schema: z.literal(NINJS_SCHEMA) }),
}).meta({ id: 'NinjsNewsItem', description: 'An article as an IPTC ninjs 3.3 news item.' });
export type Ninjs = z.infer<typeof NinjsSchema>;

export const NinjsListQuery = z
  .object({
    limit: intParam(1, 100).default(20).meta({ description: 'The newest N published articles: 1–100, default 20' }),
    bureau: z.string().max(120).optional().meta({ description: 'Bureau slug' }),
    author: z.string().max(120).optional().meta({ description: 'Author slug' }),
    tag: z.string().max(120).optional().meta({ description: 'Tag slug' }),
    language: z.string().max(35).optional().meta({ description: 'BCP 47 language tag' }),
  })
  .strict();

export const NinjsList = z.object({ data: z.array(NinjsSchema) }).meta({ id: 'NinjsList' });
