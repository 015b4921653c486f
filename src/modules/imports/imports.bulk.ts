import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import split2 from 'split2';
import { z } from 'zod';
import { AppError, type FieldError } from '../../errors.js';
import { toProblem } from '../../plugins/error-handler.js';
import { CreateArticleBody } from '../articles/articles.schemas.js';
import type { Actor } from '../shared/actor.js';
import type { Database } from '../../db/database.js';
import { prepareArticle, prepareNinjs, prepareWire, type PrepareOptions, type Prepared } from './imports.prepare.js';
import type { ReportLine } from './imports.schemas.js';
import type { ImportOptions, ImportsService } from './imports.service.js';
import type { RenderBodies } from './render.js';

type Report = z.infer<typeof ReportLine>;
type Item = { line: number; prepared?: Prepared; error?: unknown };

/** Lines read and prepared together; each is then committed in time-boxed transactions. */
const BATCH_LINES = 256;
/** Items read ahead of the writer before reading pauses. */
const MAX_QUEUED = 1024;
/** Largest line accepted (a 500,000-character body as JSON with escapes fits). */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Unread report the server keeps before it stops reading the upload until the client catches up. */
const REPORT_HIGH_WATER = 16 * 1024 * 1024;

function prepareLine(text: string, line: number, opts: PrepareOptions): Prepared {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('malformed_json', `Line ${line} is not JSON: ${(err as Error).message}`);
  }
  const path = `line.${line}`;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'wire' && typeof o.wire === 'string') return prepareWire(o.wire, opts, `${path}.wire`);
    if (keys.length === 1 && keys[0] === 'ninjs' && typeof o.ninjs === 'object' && o.ninjs !== null && !Array.isArray(o.ninjs)) {
      return prepareNinjs(o.ninjs as Record<string, unknown>, opts, `${path}.ninjs`);
    }
  }
  const parsed = CreateArticleBody.safeParse(value);
  if (!parsed.success) {
    const errors: FieldError[] = parsed.error.issues.map((i) => ({ path: [path, ...i.path].join('.'), message: i.message }));
    throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  return prepareArticle(parsed.data, path);
}

/**
 * Lines as prepared items, handed out in batches of whatever has arrived (at most BATCH_LINES):
 * a slow client's lines are committed as they come rather than when a batch fills. Reading
 * pauses while MAX_QUEUED items wait, so a fast upload is held back instead of buffered.
 */
async function* batches(input: Readable, opts: PrepareOptions) {
  const lines = input.pipe(split2({ maxLength: MAX_LINE_BYTES }));
  const queue: Item[] = [];
  let n = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => wake?.();
  lines.on('data', (text: string) => {
    n++;
    if (text.trim() === '') return; // blank lines (a trailing newline) are not items
    try {
      queue.push({ line: n, prepared: prepareLine(text, n, opts) });
    } catch (error) {
      queue.push({ line: n, error });
    }
    if (queue.length >= MAX_QUEUED) lines.pause();
    signal();
  });
  lines.on('end', () => {
    ended = true;
    signal();
  });
  const fail = (err: Error) => {
    failure ??= err;
    signal();
  };
  lines.on('error', fail);
  input.on('error', fail);
  // A client that goes away mid-upload: no 'end', only 'close'.
  input.on('close', () => {
    if (!input.readableEnded) fail(new Error('The client closed the connection before the upload ended'));
  });
  while (true) {
    if (failure) throw failure;
    if (queue.length > 0) {
      const batch = queue.splice(0, BATCH_LINES);
      if (queue.length < MAX_QUEUED) lines.resume();
      yield batch;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
  }
}

export type BulkContext = {
  db: Database;
  service: ImportsService;
  render: RenderBodies;
  actor: Actor;
  options: ImportOptions & PrepareOptions;
  sliceMs: number;
  req: FastifyRequest;
};

/**
 * Reads NDJSON from `input` and writes one report line per item to `output`. Items are
 * committed in units of work that hold the write lock at most `sliceMs` (each item in its own
 * savepoint, so a bad line rolls back alone); the lock is released between them, so editors'
 * saves queued on it go next. What is committed is reported only after its commit. A slice
 * that could not get the lock in time (`database_busy`) committed nothing and is tried again.
 */
export async function runBulkImport(input: Readable, output: Writable, ctx: BulkContext): Promise<{ created: number; failed: number }> {
  const totals = { created: 0, failed: 0 };
  const write = async (r: Report) => {
    if (!output.write(`${JSON.stringify(r)}\n`) && output.writableLength > REPORT_HIGH_WATER) {
      await new Promise((resolve) => output.once('drain', resolve));
    }
  };
  const problem = (err: unknown) => {
    const p = toProblem(err, ctx.req);
    if (p.status >= 500) ctx.req.log.error({ err }, 'import line failed');
    return p;
  };

  for await (const batch of batches(input, ctx.options)) {
    // Lines imported before (a re-sent file) are answered from their hash without rendering.
    const ready: Item[] = [];
    for (const b of batch) if (b.prepared && !(await ctx.service.seen(b.prepared.hash))) ready.push(b);
    const bodies = await ctx.render(ready.map((b) => b.prepared!.article.body));
    const renderedBy = new Map(ready.map((b, i) => [b, bodies[i]!]));
    let i = 0;
    while (i < batch.length) {
      let slice: Report[] = [];
      const first = i;
      const deadline = performance.now() + ctx.sliceMs;
      const commitSlice = ctx.db.write(async () => {
        let names = ctx.service.names();
        do {
          const item = batch[i++]!;
          if (item.error) {
            slice.push({ line: item.line, status: 'failed', problem: problem(item.error) });
            continue;
          }
          try {
            const o = await ctx.service.apply(item.prepared!, renderedBy.get(item) ?? null, ctx.actor, ctx.options, names);
            slice.push({ line: item.line, status: o.status, id: o.articleId });
          } catch (err) {
            // Bureaus or authors it created were rolled back with it: forget them.
            names = ctx.service.names();
            slice.push({ line: item.line, status: 'failed', problem: problem(err) });
          }
        } while (i < batch.length && performance.now() < deadline);
      });
      try {
        await commitSlice;
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'database_busy')) throw err;
        i = first;
        slice = [];
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      for (const r of slice) {
        if (r.status === 'failed') totals.failed++;
        else if (r.status === 'created') totals.created++;
        await write(r);
      }
      await yieldToOthers();
    }
  }
  return totals;
}
