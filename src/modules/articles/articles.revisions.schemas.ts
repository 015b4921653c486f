import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { articleRevisions } from '../../db/schema.js';
import { idParam } from '../shared/schemas.js';
import { ArticleParams, ArticleSchema, VersionField } from './articles.schemas.js';
import { articleExample } from './articles.examples.js';

const revisionExample = { version: 4, actorName: 'Night desk', actorRole: 'editor', createdAt: '2026-06-28T14:05:00.000Z' };

export const RevisionSummarySchema = createSelectSchema(articleRevisions, { createdAt: z.iso.datetime() })
  .pick({ version: true, actorName: true, actorRole: true, createdAt: true })
  .meta({ id: 'RevisionSummary', description: 'Who changed the article, when, and to which version', examples: [revisionExample] });

export const RevisionSchema = RevisionSummarySchema.extend({ snapshot: ArticleSchema })
  .meta({ id: 'Revision', description: 'The whole article as it was at this version', examples: [{ ...revisionExample, snapshot: articleExample }] });

export const RevisionList = z.object({ data: z.array(RevisionSummarySchema) }).meta({ id: 'RevisionList' });

export const RevisionParams = ArticleParams.extend({ version: idParam() });

export const CompareQuery = z
  .strictObject({ from: idParam(), to: idParam() })
  .meta({ description: 'Two versions to compare' });

export const ComparisonSchema = z
  .object({
    from: z.int(),
    to: z.int(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  })
  .meta({
    id: 'RevisionComparison',
    examples: [{ from: 2, to: 4, changes: [{ field: 'headline', from: 'Court rules on agencies', to: 'Supreme Court curbs the reach of federal regulators' }] }],
  });

export const PreviewBody = z
  .strictObject({
    expiresInSeconds: z.int().min(60).max(7 * 86_400).default(86_400).describe('How long the link works (default one day)'),
  })
  .nullish()
  .meta({ id: 'CreatePreview', examples: [{ expiresInSeconds: 3600 }] });

export const PreviewSchema = z
  .object({
    token: z.string().describe('Pass as `?preview=` to getArticle; opens this article only'),
    url: z.string().describe('The API address that reads the draft with the token'),
    expiresAt: z.iso.datetime(),
  })
  .meta({
    id: 'Preview',
    examples: [{ token: '42.1796000000.Zm9vYmFy…', url: '/v1/articles/42?preview=42.1796000000.Zm9vYmFy…', expiresAt: '2026-11-25T15:00:00.000Z' }],
  });

export const RestoreBody = z
  .strictObject({
    version: VersionField,
    restoreSlug: z
      .boolean()
      .optional()
      .describe("Also put back the revision's slug (default false: the article keeps its current address)"),
  })
  .nullish()
  .meta({ id: 'RestoreRevision', examples: [{}, { restoreSlug: true }] });
