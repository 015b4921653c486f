import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import split2 from 'split2';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { AppError } from '../../errors.js';
import { toProblem } from '../../plugins/error-handler.js';
import type { Actor } from '../shared/actor.js';
import type { LineItem, RawLine } from './import-lines.js';
import type { PrepareOptions } from './imports.prepare.js';
import type { ReportLine } from './imports.schemas.js';
import type { ImportOptions, ImportsService } from './imports.service.js';
import type { PrepareLines } from './render.js';

type Report = z.infer<typeof ReportLine>;

/** Lines per run sent to a pool thread: enough to make the hop cheap, few enough to keep runs short. */
const RUN_LINES = 32;
/** Bytes per run: long lines make shorter runs, so one run never holds megabytes of text. */
const RUN_BYTES = 512 * 1024;
/** Runs being prepared ahead of the writer: keeps every thread busy while the writer commits. */
const RUNS_AHEAD = 4;
/**
 * Text in runs sent ahead of the writer (each run is held three times until committed: the
 * line, its copy on the thread, the prepared item). Count alone let 4 MB lines put half a
 * gigabyte in flight.
 */
const AHEAD_BYTES = 2 * 1024 * 1024;
/** Lines read ahead of the preparation before reading pauses. */
const MAX_QUEUED = 1024;
/**
 * Bytes read ahead before reading pauses. Kept small on purpose: a line that waits in the
 * queue outlives the young generation's collections and is promoted to the old one, where
 * a fast upload's garbage piled up by hundreds of megabytes between full collections.
 */
const QUEUED_BYTES = 1024 * 1024;
/** Largest line accepted (a 500,000-character body as JSON with escapes fits). */
const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** Unread report the server keeps before it stops reading the upload until the client catches up. */
const REPORT_HIGH_WATER = 16 * 1024 * 1024;

/**
 * The upload's non-blank lines with their numbers. `take` hands out what has arrived (a slow
 * client's lines go on as they come, not when a run fills); reading pauses while MAX_QUEUED
 * lines wait, so a fast upload is held back instead of buffered. `wait` throws if the upload
 * failed (an over-long line, a client gone mid-upload).
 */
function lineReader(input: Readable) {
  const lines = input.pipe(split2({ maxLength: MAX_LINE_BYTES }));
  const queue: RawLine[] = [];
  let queuedBytes = 0;
  let n = 0;
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => wake?.();
  const full = () => queue.length >= MAX_QUEUED || queuedBytes >= QUEUED_BYTES;
  lines.on('data', (text: string) => {
    n++;
    if (text.trim() === '') return; // blank lines (a trailing newline) are not items
    queue.push({ line: n, text });
    queuedBytes += text.length;
    if (full()) lines.pause();
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
  return {
    take(): { lines: RawLine[]; bytes: number } | null {
      if (failure) throw failure;
      if (queue.length === 0) return null;
      // At least one line, however long; then up to RUN_LINES lines or RUN_BYTES.
      let count = 0;
      let bytes = 0;
      while (count < queue.length && count < RUN_LINES && (count === 0 || bytes + queue[count]!.text.length <= RUN_BYTES)) {
        bytes += queue[count++]!.text.length;
      }
      const run = queue.splice(0, count);
      queuedBytes -= bytes;
      if (!full()) lines.resume();
      return { lines: run, bytes };
    },
    get done() {
      return ended && queue.length === 0;
    },
    async wait() {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (failure) throw failure;
    },
  };
}

export type BulkContext = {
  db: Database;
  service: ImportsService;
  prepare: PrepareLines;
  actor: Actor;
  options: ImportOptions & PrepareOptions;
  sliceMs: number;
  req: FastifyRequest;
};

/**
 * Reads NDJSON from `input` and writes one report line per item to `output`, in order.
 * Runs of lines are read and rendered on the worker pool, several ahead, while the event
 * loop commits earlier ones in units of work that hold the write lock at most `sliceMs`;
 * the lock is released between them, so editors' saves queued on it go next. What is
 * committed is reported only after its commit. A slice that could not get the lock in time
 * (`database_busy`) committed nothing and is tried again.
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

  /** What a flat slice's batch and commit took per item, last time: kept inside `sliceMs`. */
  let indexMsPerItem = 0;

  /**
   * Items from `from` until the slice's time is up, in one unit of work. `isolate`: each
   * item in its own savepoint, a failing one reported while the others go on; else no
   * savepoints (flat) and the first failure rolls back the whole slice.
   */
  async function slice(items: LineItem[], from: number, isolate: boolean) {
    const reports: Report[] = [];
    let i = from;
    const deadline = performance.now() + ctx.sliceMs;
    // A flat slice holds the lock past its last item for its search batch and commit: each
    // item leaves room for its share of them, as the last flat slice took (W8 A/B, 8 rounds:
    // the editor's slowest save at most 58 ms against 99, articles/s within the noise).
    const reserve = isolate ? 0 : indexMsPerItem;
    let appliedAt = 0;
    const work = async () => {
      let names = ctx.service.names();
      do {
        const item = items[i++]!;
        if ('error' in item) {
          reports.push({ line: item.line, status: 'failed', problem: problem(item.error) });
          continue;
        }
        try {
          const o = await ctx.service.apply(item.prepared, item.body, ctx.actor, ctx.options, names);
          reports.push({ line: item.line, status: o.status, id: o.articleId });
        } catch (err) {
          if (!isolate) throw err;
          // Bureaus or authors it created were rolled back with it: forget them.
          names = ctx.service.names();
          reports.push({ line: item.line, status: 'failed', problem: problem(err) });
        }
      } while (i < items.length && performance.now() + (i - from) * reserve < deadline);
      appliedAt = performance.now();
    };
    // Flat: the slice's new articles are indexed for search in one batch at its end (any
    // failure rolls back the whole slice, the batch with it). Isolated: each item as it goes.
    await ctx.db.write(() => (isolate ? work() : ctx.service.indexedOnce(work)), { flat: !isolate });
    if (!isolate) indexMsPerItem = (performance.now() - appliedAt) / (i - from);
    return { reports, next: i };
  }

  async function commit(items: LineItem[]) {
    let i = 0;
    while (i < items.length) {
      // Without savepoints first (much cheaper for the search index); if an item fails,
      // that slice is redone with one savepoint per item so the failure rolls back alone.
      let done: Awaited<ReturnType<typeof slice>>;
      try {
        try {
          done = await slice(items, i, false);
        } catch (err) {
          if (err instanceof AppError && err.code === 'database_busy') throw err;
          done = await slice(items, i, true);
        }
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'database_busy')) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      for (const r of done.reports) {
        if (r.status === 'failed') totals.failed++;
        else if (r.status === 'created') totals.created++;
        await write(r);
      }
      i = done.next;
      await yieldToOthers();
    }
  }

  const reader = lineReader(input);
  // In upload order; `prepare` never rejects, so a run waiting here cannot go unhandled.
  // Bounded by count and by bytes, but at least one run goes, however long its line.
  const ahead: { items: Promise<LineItem[]>; bytes: number }[] = [];
  let aheadBytes = 0;
  for (;;) {
    const room = ahead.length === 0 || (ahead.length < RUNS_AHEAD && aheadBytes < AHEAD_BYTES);
    const run = room ? reader.take() : null;
    if (run) {
      ahead.push({ items: ctx.prepare(run.lines, ctx.options), bytes: run.bytes });
      aheadBytes += run.bytes;
      continue;
    }
    if (ahead.length > 0) {
      const next = ahead.shift()!;
      const items = await next.items;
      await commit(items);
      aheadBytes -= next.bytes;
      continue;
    }
    if (reader.done) return totals;
    await reader.wait();
  }
}
