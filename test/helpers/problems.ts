// Assertions on RFC 9457 answers, and the credentials every protected route must refuse:
// shared by the resource tests (authors, bureaus, tags) so each checks the same envelope.
import type { LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';

export type FieldError = { path: string; message: string };
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  [k: string]: unknown;
};
export type Page<T> = { data: T[]; meta: { limit: number; offset?: number; nextCursor: string | null; total?: number } };

/** Asserts the RFC 9457 envelope and returns the problem. */
export function problem(t: Test, res: LightMyRequestResponse, status: number, code: string): Problem {
  t.equal(res.statusCode, status, res.statusCode === status ? `status ${status}` : res.body);
  t.equal(res.headers['content-type'], 'application/problem+json');
  const p = res.json() as Problem;
  t.equal(p.status, status);
  t.equal(p.code, code);
  t.equal(p.type, `https://dateline.dev/problems/${code.replaceAll('_', '-')}`);
  t.ok(typeof p.title === 'string' && p.title.length > 0, 'has a title');
  t.ok(typeof p.detail === 'string' && p.detail.length > 0, 'has a detail');
  return p;
}

/** A 400 whose `errors` name exactly these fields, each with a message. */
export function invalid(t: Test, res: LightMyRequestResponse, paths: string[]): Problem {
  const p = problem(t, res, 400, 'validation_failed');
  const errors = p.errors ?? [];
  t.same([...new Set(errors.map((e) => e.path))].sort(), [...paths].sort(), 'errors name the fields');
  for (const e of errors) t.ok(e.message.length > 0, `${e.path} has a message`);
  for (const path of paths) t.match(p.detail, path, 'detail names the field');
  return p;
}

const unknownToken = `dl_AAAAAAAAAAAA_${'a'.repeat(43)}`;
/** Credentials that are not a usable token, with what the 401 says about each. */
export const badAuth: [string, Record<string, string>, RegExp][] = [
  ['no Authorization header', {}, /needs `Authorization: Bearer/],
  ['a Basic scheme', { authorization: 'Basic x' }, /Bearer <token>/],
  ['a malformed token', { authorization: 'Bearer not-a-token' }, /malformed/],
  ['an unknown well-formed token', { authorization: `Bearer ${unknownToken}` }, /not known/],
];
/** The same, less the missing header: a public read with any of these is still a 401. */
export const badTokens = badAuth.slice(1);
