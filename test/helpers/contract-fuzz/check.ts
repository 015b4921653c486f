// The four properties, checked on one answer, and the reproduction printed when one breaks.

import { diffSnapshots, type Snapshot } from './checksum.js';
import { type Operation, type SchemaValidator } from './contract.js';
import { type Db } from './fixtures.js';
import { type ConcreteRequest } from './resolve.js';

export type Rule =
  | 'server-error'
  | 'not-problem-json'
  | 'problem-shape'
  | 'db-changed'
  | 'response-schema'
  | 'undeclared-2xx'
  | 'not-json';

export type Violation = { op: string; rule: Rule; message: string; repro: string; status: number };

/** Soft findings: the contract and the server disagree, but none of the four properties broke. */
export type Note = { op: string; kind: 'undeclared-status' | 'valid-body-rejected'; key: string; repro: string };

/** A bug already reported; matching violations are counted, not failed, in CI. */
export type KnownBug = {
  id: string;
  summary: string;
  matches: (v: Violation, req: ConcreteRequest, op: Operation, db: Db) => boolean;
};

export type CaseOutcome = { status: number; violations: Violation[]; known: Array<{ bug: string; violation: Violation }> };

const invisible = (c: number) =>
  c < 0x20 ||
  (c >= 0x7f && c <= 0x9f) ||
  (c >= 0x200b && c <= 0x200f) ||
  c === 0x2028 ||
  c === 0x2029 ||
  (c >= 0x202a && c <= 0x202e) ||
  (c >= 0x2066 && c <= 0x2069) ||
  c === 0xfeff;
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * At most n characters of the text as sent, with invisible and unpaired characters shown as
 * \uXXXX (and newlines as \n), so a reproduction can be read and copied.
 */
function show(s: string, n: number): string {
  let out = '';
  const end = Math.min(s.length, n);
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (isHigh(c) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      out += s.slice(i, i + 2);
      i++;
    } else if (c === 10) out += '\\n';
    else if (invisible(c) || isHigh(c) || isLow(c)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return s.length > n ? `${out}… (${s.length} chars)` : out;
}

export function formatRepro(req: ConcreteRequest, res: Answer, dbDiff?: string) {
  const headerLines = Object.entries(req.headers).map(([k, v]) =>
    k === 'authorization' && req.authLabel !== 'raw' ? `  authorization: Bearer <${req.authLabel} token>` : `  ${k}: ${show(v, 200)}`,
  );
  const body =
    req.payload === undefined
      ? '  (no body)'
      : Buffer.isBuffer(req.payload)
        ? `  bytes: ${req.payload.toString('hex')}`
        : `  ${show(req.payload, 1500)}`;
  return [
    `${req.method} ${show(req.url, 800)}`,
    ...headerLines,
    body,
    `→ ${res.statusCode} ${String(res.headers['content-type'] ?? '(no content-type)')}`,
    `  ${show(res.body, 1500)}`,
    ...(dbDiff ? [`  database changed: ${dbDiff}`] : []),
  ].join('\n');
}

export type Answer = { statusCode: number; headers: Record<string, unknown>; body: string };

/** The four properties, for one answer: what broke (violations) and where the contract and server disagree (notes). */
export function checkResponse(validate: SchemaValidator, op: Operation, req: ConcreteRequest, res: Answer, before: Snapshot, after: Snapshot) {
  const violations: Violation[] = [];
  const notes: Note[] = [];
  const status = res.statusCode;
  const contentType = String(res.headers['content-type'] ?? '');
  const isJson = /^application\/(?:problem\+)?json\b/.test(contentType);
  let parsed: unknown;
  let parseError: string | null = null;
  if (isJson) {
    try {
      parsed = JSON.parse(res.body);
    } catch (err) {
      parseError = (err as Error).message;
    }
  }
  const diff = diffSnapshots(before, after);
  const repro = () => formatRepro(req, res, diff);
  const add = (rule: Rule, message: string) => violations.push({ op: op.id, rule, message, repro: repro(), status });

  if (status >= 500) add('server-error', `${status} from ${op.id}`);
  if (status >= 400) {
    if (!contentType.startsWith('application/problem+json')) add('not-problem-json', `${status} answered with content-type "${contentType}"`);
    else if (parseError !== null) add('not-json', `${status} problem body is not JSON: ${parseError}`);
    else {
      const p = parsed as Record<string, unknown>;
      const missing = ['type', 'title', 'detail'].filter((k) => typeof p[k] !== 'string');
      if (missing.length > 0 || p.status !== status) add('problem-shape', `problem lacks ${missing.join(', ') || `status ${status} (has ${String(p.status)})`}`);
      const problemError = validate({ $ref: '#/components/schemas/Problem' }, parsed);
      if (problemError) add('problem-shape', `problem does not match the contract's Problem: ${problemError}`);
    }
  }
  const changesAllowed = op.method !== 'GET' && status >= 200 && status < 300;
  if (!changesAllowed && diff !== '') add('db-changed', `${op.method} answered ${status} but the database changed: ${diff}`);

  const declared = op.responses.get(status);
  if (status >= 200 && status < 300) {
    if (!declared) add('undeclared-2xx', `${status} is not a response the contract declares for ${op.id}`);
    else if (declared.schema === null) {
      // An empty response (204): checked below with 304.
    } else if (declared.contentType !== null && /ndjson/.test(declared.contentType)) {
      // A streamed NDJSON report (importArticles): every line is one item of the schema.
      if (!contentType.startsWith(declared.contentType)) add('response-schema', `${status} should be ${declared.contentType}, got "${contentType}"`);
      for (const line of res.body.split('\n').filter((l) => l !== '')) {
        let item: unknown;
        try {
          item = JSON.parse(line);
        } catch (err) {
          add('not-json', `${status} report line is not JSON: ${(err as Error).message}`);
          break;
        }
        const error = validate(declared.schema, item);
        if (error) {
          add('response-schema', `${status} report line does not match the contract: ${error}`);
          break;
        }
      }
    } else if (declared.contentType !== null && !/json/.test(declared.contentType)) {
      // Plain text (Prometheus metrics): the content type must say so; the schema is a string.
      if (!contentType.startsWith(declared.contentType)) add('response-schema', `${status} should be ${declared.contentType}, got "${contentType}"`);
    } else if (!isJson) add('response-schema', `${status} should be ${declared.contentType ?? 'JSON'}, got "${contentType}"`);
    else if (parseError !== null) add('not-json', `${status} body is not JSON: ${parseError}`);
    else {
      const error = validate(declared.schema, parsed);
      if (error) add('response-schema', `${status} body does not match the contract: ${error}`);
    }
  } else if (!declared) {
    notes.push({ op: op.id, kind: 'undeclared-status', key: `${op.id} ${status}`, repro: repro() });
  } else if (status >= 300 && status < 400 && declared.schema !== null && parseError === null && isJson) {
    // A 308 for an old slug is a problem document too, with the new address.
    const error = validate(declared.schema, parsed);
    if (error) add('response-schema', `${status} body does not match the contract: ${error}`);
  }
  if ((status === 204 || status === 304) && res.body !== '') add('response-schema', `${status} must have no body, got ${show(res.body, 100)}`);
  if (status === 400 && parsed && typeof parsed === 'object') {
    const errors = (parsed as { errors?: Array<{ path?: string }> }).errors ?? [];
    const bodyPaths = errors.map((e) => e.path ?? '').filter((p) => p.startsWith('body'));
    if (bodyPaths.length > 0) notes.push({ op: op.id, kind: 'valid-body-rejected', key: `${op.id} ${bodyPaths[0]!.replace(/\.\d+/g, '.N')}`, repro: repro() });
  }
  return { violations, notes };
}
