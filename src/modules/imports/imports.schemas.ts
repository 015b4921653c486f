import { z } from 'zod';
import { ProblemSchema } from '../../errors.js';
import { ArticleSchema } from '../articles/articles.schemas.js';

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

export const ImportQuery = z
  .object({
    createMissing: flag.meta({
      description: 'Create bureaus and authors that no existing one matches by name (editors and admins). Otherwise such an item is a 422 naming each',
    }),
    bureau: z
      .string()
      .min(1)
      .max(120)
      .optional()
      .meta({ description: 'Bureau (id or slug) for items that name none: a wire story without a byline line, or any ninjs item (else its `copyrightholder` is matched as a bureau name)' }),
    language: z
      .string()
      .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'Use a BCP 47 language tag such as `en` or `pt-BR`')
      .max(35)
      .optional()
      .meta({ description: 'BCP 47 language of items that do not say (wire stories; ninjs `language` wins). Default `en`' }),
  })
  .strict();
export type ImportQueryInput = z.output<typeof ImportQuery>;

export const WireBody = z
  .string()
  .max(600_000)
  .meta({
    description: 'One wire story as plain text (`text/plain; charset=utf-8`): headline, standfirst, "Desk/Author and Author", then the body with its dateline',
    example: 'Court upholds ruling\n\nThe court’s 6–3 decision ends a two-year fight.\n\nWashington Bureau/Jane Doe and Ali Çelik\n\nWashington: Over three years, the case…\n\nA second paragraph.',
  });

export const NinjsBody = z
  .looseObject({ uri: z.string().min(1).max(2000).describe('The item’s identifier; kept, so later versions update the same article') })
  .meta({
    id: 'NinjsItem',
    description: 'An IPTC ninjs item (1.x, 2.x or 3.x): `headline`/`headlines`, `body_html`/`body_text`/`bodies`, `by`/`byline`, `located`, `language`, `version`, `versioncreated`, `subjects`. Property names are read case-insensitively.',
    examples: [
      {
        uri: 'urn:newsml:dpa.com:20090101:190510-99-167362',
        version: '2',
        versioncreated: '2019-05-10T16:02:28+02:00',
        language: 'de',
        headlines: [{ role: 'main', value: 'Faktencheck Derby-Elfmeter' }],
        bodies: [{ role: 'html', contenttype: 'text/html', value: '<p>Für Lucien Favre war es «der größte Skandal».</p>' }],
        by: 'Christian Hollmann',
        copyrightholder: 'dpa',
      },
    ],
  });

const MatchSchema = z.object({ name: z.string(), id: z.int(), created: z.boolean().describe('Made by this import (createMissing)') });

export const ImportResult = z
  .object({
    status: z.enum(['created', 'updated', 'replayed']).describe('`replayed`: this exact content was imported before; nothing changed'),
    article: ArticleSchema,
    parsed: z.object({
      headline: z.string(),
      standfirst: z.string().nullable(),
      dateline: z
        .object({ text: z.string(), place: z.string(), date: z.string().nullable(), agency: z.string().nullable() })
        .nullable()
        .describe('The dateline split off the first paragraph, e.g. `NEW DELHI, June 15 (IANS)`'),
      bureau: MatchSchema.nullable(),
      authors: z.array(MatchSchema),
      paragraphs: z.int().describe('Body paragraphs'),
      warnings: z.array(z.string()).describe('What was missing or left out'),
    }),
  })
  .meta({ id: 'ImportResult' });

export const ReportLine = z
  .object({
    line: z.int().describe('1-based line number in the upload'),
    status: z.enum(['created', 'updated', 'replayed', 'failed']),
    id: z.int().optional().describe('The article'),
    slug: z.string().optional(),
    problem: ProblemSchema.optional().describe('Why the line failed, as in any error response'),
  })
  .meta({ id: 'ImportReportLine', description: 'One line of the NDJSON report: one per input line, in order' });
