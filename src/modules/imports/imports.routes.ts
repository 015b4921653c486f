import { PassThrough, Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { AppError, pickProblems, writeProblems } from '../../errors.js';
import { createArticlesService } from '../articles/articles.service.js';
import { createAuthorsService } from '../authors/authors.service.js';
import { createBureausService } from '../bureaus/bureaus.service.js';
import { actorOf } from '../shared/actor.js';
import { versionEtag } from '../shared/preconditions.js';
import { bearer } from '../shared/schemas.js';
import { runBulkImport } from './imports.bulk.js';
import { prepareNinjs, prepareWire, type Prepared } from './imports.prepare.js';
import { ImportQuery, ImportResult, NinjsBody, ReportLine, WireBody, type ImportQueryInput } from './imports.schemas.js';
import { createImportsService, type Outcome } from './imports.service.js';
import { prepareOnPool } from './render.js';
import { registerImportParsers } from './imports.parsers.js';

const tags = ['Imports'];
type Result = z.infer<typeof ImportResult>;

export const importRoutes: FastifyPluginAsyncZod<{ revisionsKeep: number; imports: Config['imports'] }> = async (app, opts) => {
  const articles = createArticlesService(app.db, opts);
  const service = createImportsService(app.db, { articles, bureaus: createBureausService(app.db), authors: createAuthorsService(app.db) });
  const prepareLines = prepareOnPool(app.workers);
  const importers = app.requireRole('admin', 'editor', 'writer');
  registerImportParsers(app);
  // Imports have their own budget instead of the per-minute request limit (see README):
  // single items are cheap and come in bursts from feeds; bulk uploads are capped by count.
  const ownBudget = { rateLimit: false as const };
  let running = 0;

  async function importOne(p: Prepared, q: ImportQueryInput, req: Parameters<typeof importers>[0]): Promise<{ code: 200 | 201; result: Result; outcome: Outcome }> {
    // The shared worker pool: its time budget bounds the worst Markdown an item can carry.
    const body = await app.workers.renderBody(p.article.body);
    const outcome = await service.apply(p, body, actorOf(req.principal), { createMissing: q.createMissing });
    const article = (await service.article(outcome.articleId)) as unknown as Result['article'];
    const result: Result = {
      status: outcome.status,
      article,
      parsed: {
        headline: p.article.headline,
        standfirst: p.article.standfirst ?? null,
        dateline: p.report.dateline,
        bureau: outcome.bureau,
        authors: outcome.authors,
        paragraphs: p.report.paragraphs,
        warnings: outcome.warnings,
      },
    };
    return { code: outcome.status === 'created' ? 201 : 200, result, outcome };
  }

  const single = {
    security: bearer,
    querystring: ImportQuery,
    response: { 201: ImportResult, 200: ImportResult, ...writeProblems() },
  };

  app.post('/v1/imports/wire', {
    config: ownBudget,
    schema: {
      operationId: 'importWireStory',
      tags,
      summary: 'Import a wire story',
      description: [
        'Turns one wire story (`text/plain; charset=utf-8`) into a draft: headline, blank line, standfirst, blank line,',
        '`Desk/Author and Author`, blank line, then the body whose first paragraph opens with the dateline (`Washington:`,',
        '`NEW DELHI, June 15 (IANS):`). Standfirst, byline line and dateline may be missing (a warning says so). The text is',
        'escaped so that the stored Markdown renders back to exactly the wire paragraphs. Bureau and authors are matched by',
        'name ignoring case, accents and spacing; missing ones are created with `createMissing=true`, else a 422 names each.',
        'The same text imported again answers 200 with `status: replayed` and creates nothing. Writers must be on the byline.',
      ].join('\n'),
      consumes: ['text/plain'],
      body: WireBody,
      ...single,
    },
    preHandler: importers,
    handler: async (req, reply) => {
      const { code, result } = await importOne(prepareWire(req.body, req.query), req.query, req);
      if (result.status === 'replayed') reply.header('idempotent-replayed', 'true');
      return reply.code(code).header('location', `/v1/articles/${result.article.id}`).header('etag', versionEtag(result.article.version)).send(result);
    },
  });

  app.post('/v1/imports/ninjs', {
    config: ownBudget,
    schema: {
      operationId: 'importNinjs',
      tags,
      summary: 'Import a ninjs item',
      description: [
        'Creates a draft from an IPTC ninjs item (3.x, or the 1.x/2.x shapes agencies deliver), or updates the article an',
        'earlier version of the same `uri` made: a newer `version` (else `versioncreated`) updates it (201 → 200, `status:',
        'updated`, following the update rules: writers only on their own drafts); an older or equal one is a 409 saying so.',
        'HTML bodies are sanitised and converted to Markdown, keeping every character of their text. The bureau is the',
        '`bureau` parameter, else `copyrightholder` matched by name. `subjects` matching existing tags by name become tags.',
      ].join('\n'),
      body: NinjsBody,
      ...single,
    },
    preHandler: importers,
    handler: async (req, reply) => {
      const { code, result } = await importOne(prepareNinjs(req.body, req.query), req.query, req);
      if (result.status === 'replayed') reply.header('idempotent-replayed', 'true');
      return reply.code(code).header('location', `/v1/articles/${result.article.id}`).header('etag', versionEtag(result.article.version)).send(result);
    },
  });

  app.post('/v1/imports', {
    // However long the upload, as long as it keeps moving (plugins/request-timeouts.ts).
    config: { ...ownBudget, streamedUpload: true },
    schema: {
      operationId: 'importArticles',
      tags,
      summary: 'Bulk import (NDJSON)',
      description: [
        'An `application/x-ndjson` upload, one item per line: a `createArticle` body, `{"wire": "…"}` or `{"ninjs": {…}}`.',
        'Streamed: lines are read, rendered and committed in batches as they arrive, so memory stays flat however large the',
        'upload. The answer is an NDJSON report streamed back, one line per non-blank input line, in order: `created` with the',
        'article `id`, `replayed` (this exact line was imported before: re-sending a file creates nothing twice), `updated`',
        '(a newer ninjs version) or `failed` with a `problem` naming the line. A bad line never aborts the others. Read the',
        'report while uploading: past 16 MB of unread report the server stops reading the upload. If the connection drops,',
        'what was committed stays and a retry of the same file reports it as `replayed`. Editors and admins; at most',
        '`IMPORT_MAX_CONCURRENT` bulk imports run at once (429 with `Retry-After` beyond that); not counted by the per-minute limit.',
      ].join('\n'),
      security: bearer,
      consumes: ['application/x-ndjson'],
      querystring: ImportQuery,
      body: z.unknown().meta({ description: 'NDJSON: one JSON object per line' }),
      response: {
        200: {
          description: 'The NDJSON report, one `ImportReportLine` per input line',
          content: { 'application/x-ndjson': { schema: ReportLine } },
        },
        ...pickProblems(400, 401, 403, 415, 500),
      },
    },
    preHandler: app.requireRole('admin', 'editor'),
    handler: async (req, reply) => {
      if (!(req.body instanceof Readable)) {
        throw new AppError('unsupported_media_type', 'Send the items as `application/x-ndjson`, one JSON object per line');
      }
      if (running >= opts.imports.maxConcurrent) {
        reply.header('retry-after', '10');
        throw new AppError('too_many_requests', `${running} bulk imports are running, the most at once; retry in 10 seconds`);
      }
      running++;
      const output = new PassThrough();
      const input = req.body;
      runBulkImport(input, output, {
        db: app.db,
        service,
        prepare: prepareLines,
        actor: actorOf(req.principal),
        options: { createMissing: req.query.createMissing, bureau: req.query.bureau, language: req.query.language },
        sliceMs: opts.imports.sliceMs,
        req,
      })
        .then((totals) => req.log.info(totals, 'bulk import finished'))
        .catch((err: unknown) => {
          // The client went away or sent an over-long line: what was committed stays committed.
          req.log.warn({ err }, 'bulk import stopped');
          input.resume();
        })
        .finally(() => {
          running--;
          output.end();
        });
      return reply.code(200).type('application/x-ndjson').header('cache-control', 'no-store').send(output as never);
    },
  });
};
