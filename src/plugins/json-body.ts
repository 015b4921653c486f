import fp from 'fastify-plugin';
import { AppError } from '../errors.js';
import { refuseNul } from '../lib/nul.js';

export const MAX_JSON_DEPTH = 32;
export const MAX_QUERY_PARAMS = 40;

/**
 * Deepest nesting of objects and arrays, found in one pass without parsing. Strings are
 * skipped with indexOf rather than walked: a 0.5 MB article body is one string, and walking
 * it character by character cost 2–5 ms of the event loop per save.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) i = closingQuote(text, i);
    else if (c === 123 || c === 91 /* { [ */) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93 /* } ] */) depth--;
  }
  return max;
}

/** Where the string opened at `open` ends (text.length when it does not). Linear: each quote looks back only over the backslashes just before it. */
function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 92 /* \ */) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return text.length;
}

// Request shape limits, each a clear 4xx before any work is done:
// - only JSON bodies (anything else is a 415 rather than a confusing 400), and an empty
//   JSON body is read as "no body", so `POST /publish` with a Content-Type still works;
// - JSON nested deeper than MAX_JSON_DEPTH is refused before parsing (no legitimate
//   request here nests more than a few levels; deep nesting only costs stack and CPU);
// - more than MAX_QUERY_PARAMS query parameters is refused.
export default fp(
  async (app) => {
    app.removeAllContentTypeParsers();
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'string' }, (req, body, done) => {
      const text = body.toString();
      if (text.trim() === '') return done(null, undefined);
      if (jsonDepth(text) > MAX_JSON_DEPTH) {
        return done(new AppError('validation_failed', `JSON nested deeper than ${MAX_JSON_DEPTH} levels is not accepted`, {
          errors: [{ path: 'body', message: `Nesting deeper than ${MAX_JSON_DEPTH}` }],
        }));
      }
      parseJson(req, text, (err: Error | null, value?: unknown) => {
        if (err) return done(err);
        try {
          refuseNul(value, 'body', text);
        } catch (nul) {
          return done(nul as Error);
        }
        done(null, value);
      });
    });
    // Path and query text arrives decoded (`%00` is U+0000): refused before any handler sees it.
    // Except search text `q`, which is never stored: lib/fts-query.ts folds every control
    // character to a space, so a pasted query with stray control bytes still searches.
    app.addHook('preValidation', (req, _reply, done) => {
      try {
        refuseNul(req.params, 'params');
        const { q: _searchText, ...query } = (req.query ?? {}) as Record<string, unknown>;
        refuseNul(query, 'query');
        done();
      } catch (err) {
        done(err as Error);
      }
    });
    app.addHook('onRequest', (req, _reply, done) => {
      const q = req.url.indexOf('?');
      if (q === -1) return done();
      let count = 1;
      for (let i = q + 1; i < req.url.length; i++) if (req.url.charCodeAt(i) === 38 /* & */) count++;
      if (count <= MAX_QUERY_PARAMS) return done();
      done(
        new AppError('validation_failed', `At most ${MAX_QUERY_PARAMS} query parameters are accepted`, {
          errors: [{ path: 'query', message: `More than ${MAX_QUERY_PARAMS} parameters` }],
        }),
      );
    });
  },
  { name: 'json-body' },
);
