import { AppError, type FieldError } from '../../errors.js';
import { refuseNul } from '../../lib/nul.js';
import { renderBody, type Rendered } from '../../lib/markdown.js';
import { CreateArticleBody } from '../articles/articles.schemas.js';
import { prepareArticle, prepareNinjs, prepareWire, type PrepareOptions, type Prepared } from './imports.prepare.js';

/** One line of a bulk upload as it arrived. */
export type RawLine = { line: number; text: string };

/** An error as data: AppErrors keep their code and fields; anything else is a bug (500). */
type ErrorData = { code: AppError['code']; message: string; errors?: FieldError[]; extra?: Record<string, unknown> } | { unexpected: string };

/**
 * A line read, checked and rendered, or why it could not be: plain data, so it crosses from
 * a pool thread to the event loop by structured clone.
 */
export type LineOutcome = { line: number; prepared: Prepared; body: Omit<Rendered, 'body'> | null } | { line: number; error: ErrorData };

/** A line ready for the writer, its error revived as an AppError (or Error) for the report. */
export type LineItem = { line: number; prepared: Prepared; body: Rendered | null } | { line: number; error: unknown };

export function prepareLine(text: string, line: number, opts: PrepareOptions): Prepared {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('malformed_json', `Line ${line} is not JSON: ${(err as Error).message}`);
  }
  const path = `line.${line}`;
  refuseNul(value, path, text);
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

const toData = (err: unknown): ErrorData =>
  err instanceof AppError ? { code: err.code, message: err.message, errors: err.errors, extra: err.extra } : { unexpected: String((err as Error)?.stack ?? err) };

/**
 * Reads and renders a run of lines: the CPU-heavy half of a bulk import (JSON, wire
 * parsing, escaping, Markdown), run on a pool thread in parallel with the writes. A bad
 * line becomes its own error and never stops the others. `seen`: lines imported before (a
 * re-sent file) are not rendered; the writer answers them as replays (and renders in place
 * in the rare case the article went away in between).
 */
export async function prepareLines(lines: RawLine[], opts: PrepareOptions, seen?: (hash: string) => Promise<boolean>): Promise<LineOutcome[]> {
  const out: LineOutcome[] = [];
  for (const { line, text } of lines) {
    try {
      const prepared = prepareLine(text, line, opts);
      let body: Omit<Rendered, 'body'> | null = null;
      if (!(seen && (await seen(prepared.hash)))) {
        // The Markdown itself does not travel twice: it is in `prepared` (see revive).
        const { body: _markdown, ...rendering } = renderBody(prepared.article.body);
        body = rendering;
      }
      out.push({ line, prepared, body });
    } catch (err) {
      out.push({ line, error: toData(err) });
    }
  }
  return out;
}

export function revive(o: LineOutcome): LineItem {
  if (!('error' in o)) return { line: o.line, prepared: o.prepared, body: o.body && { body: o.prepared.article.body, ...o.body } };
  const e = o.error;
  return { line: o.line, error: 'unexpected' in e ? new Error(e.unexpected) : new AppError(e.code, e.message, { errors: e.errors, extra: e.extra }) };
}

