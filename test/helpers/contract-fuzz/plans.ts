// Request plans: one valid request per operation, then 0, 1 or 2 of its parts broken.

import fc from 'fast-check';
import { type Contract, type JsonSchema, type Operation, type Parameter } from './contract.js';
import { bodyHints, queryHints, type QueryPairs, queryValueToString, RAW_BODIES, validIdempotencyArb, validIfMatchArb, validSegmentArb, wildAuthArb, wildContentTypeArb, wildHeadersArb, wildIdempotencyArb, wildIfMatchArb, wildSegmentArb } from './hints.js';
import { BAD_DATE_TIMES, NASTY_STRINGS } from './odd-inputs.js';
import { SchemaGen } from './schema-gen.js';
import { type AuthChoice, type BodyPlan, RealCursor, type RequestPlan, type Sym } from './symbols.js';

/** The parts of a request the fuzzer can break, one at a time or two together. */
type Part = 'path' | 'query' | 'auth' | 'ifMatch' | 'idempotencyKey' | 'contentType' | 'body' | 'headers';

/**
 * Every request part for one operation: first a request that is valid throughout (admin
 * token, parameters and body per the schemas, the right If-Match), then 0, 1 or 2 of its
 * parts swapped for a wild one.
 */
export function planArbitrary(op: Operation, components: Record<string, JsonSchema>): fc.Arbitrary<RequestPlan> {
  const qGen = new SchemaGen(components, queryHints(op), 9);
  const bGen = new SchemaGen(components, bodyHints(op), 5);
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const hasIfMatch = op.parameters.some((p) => p.in === 'header' && p.name === 'if-match');
  const pair = (p: Parameter, v: unknown): [string, string | Sym] => [p.name, queryValueToString(v)];

  const path = fc.nat({ max: 50 }).chain((shared) =>
    fc.record({
      valid: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, validSegmentArb(p, op, shared)]))),
      wild: pathParams.length === 0 ? fc.constant(null) : fc.tuple(fc.constantFrom(...pathParams.map((p) => p.name)), wildSegmentArb),
    }),
  ) as fc.Arbitrary<{ valid: Record<string, string | Sym>; wild: [string, string] | null }>;

  const validQuery: fc.Arbitrary<QueryPairs> = fc
    .tuple(
      ...queryParams.map((p) =>
        p.required
          ? qGen.valid(p.schema, p.name).map((v) => [pair(p, v)])
          : fc.oneof({ weight: 2, arbitrary: fc.constant<QueryPairs>([]) }, { weight: 1, arbitrary: qGen.valid(p.schema, p.name).map((v) => [pair(p, v)]) }),
      ),
    )
    .map((parts) => parts.flat())
    // The contract cannot say that `cursor` and `offset` exclude each other; a valid request sends one.
    .map((q) => (q.some(([k]) => k === 'cursor') ? q.filter(([k]) => k !== 'offset') : q));

  // One thing wrong with the query (`cursor` with `offset` among them): a bad value, a repeat, an odd key, an unknown parameter, a missing required one.
  const queryMutation: fc.Arbitrary<(q: QueryPairs) => QueryPairs> = fc.oneof(
    ...(queryParams.length === 0
      ? []
      : [
          fc
            .tuple(
              fc.constantFrom(...queryParams),
              fc.oneof(
                fc.constant<unknown>(null),
                fc.constantFrom<unknown>(...NASTY_STRINGS, '-1', '1.5', '1e3', '0x10', ' 1', '１', '99999999999999999999', '[]', '{}', ...BAD_DATE_TIMES.slice(0, 6)),
              ),
            )
            .chain(([p, v]) => (v === null ? qGen.invalid(p.schema) : fc.constant(v)).map((bad) => [p, queryValueToString(bad)] as const))
            .map(([p, bad]) => (q: QueryPairs) => [...q.filter(([k]) => k !== p.name), [p.name, bad] as [string, string | Sym]]),
          fc
            .constantFrom(...queryParams)
            .chain((p) => fc.tuple(qGen.valid(p.schema, p.name), qGen.valid(p.schema, p.name)).map(([a, b]) => [p, a, b] as const))
            .map(([p, a, b]) => (q: QueryPairs) => [...q, pair(p, a), pair(p, b)]),
          fc
            .tuple(fc.constantFrom(...queryParams), fc.constantFrom('', '[]', '[a]', 'UPPER'))
            .map(([p, how]) => (q: QueryPairs): QueryPairs => [
              ...q.filter(([k]) => k !== p.name),
              how === '' ? [p.name, ''] : how === 'UPPER' ? [p.name.toUpperCase(), '1'] : [`${p.name}${how}`, '1'],
            ]),
          fc.constant((q: QueryPairs) => q.filter(([k]) => !queryParams.some((p) => p.required && p.name === k))),
        ]),
    fc
      .tuple(fc.constantFrom('foo', 'utm_source', '__proto__', 'constructor', 'toString', 'a.b', 'x[y]', ''), fc.constantFrom('1', '', 'x'.repeat(3000), '\uD800'))
      .map(([k, v]) => (q: QueryPairs): QueryPairs => [...q, [k, v]]),
    fc
      .constantFrom('%', '%zz=1', 'limit=%E0%A4%A', '&&&', '=', '==x', 'a=%00', '%ED%A0%80=1', '?', ';', 'q=%F0%9F%98', `k=${'v'.repeat(20_000)}`)
      .map((raw) => (q: QueryPairs): QueryPairs => [...q, [RAW_QUERY_MARK, raw]]),
    fc.constant((q: QueryPairs) => [...q, ...q.slice(0, 50)].reverse()),
    ...(queryParams.some((p) => p.name === 'cursor') && queryParams.some((p) => p.name === 'offset')
      ? [fc.constant((q: QueryPairs): QueryPairs => [...q.filter(([k]) => k !== 'cursor' && k !== 'offset'), ['cursor', new RealCursor()], ['offset', '1']])]
      : []),
  );
  const query = fc.record({ valid: validQuery, wild: queryMutation });

  const validAuth: fc.Arbitrary<AuthChoice> = op.public
    ? fc.oneof({ weight: 3, arbitrary: fc.constant<AuthChoice>('admin') }, { weight: 2, arbitrary: fc.constant<AuthChoice>('none') })
    : fc.constant<AuthChoice>('admin');

  const noBody: BodyPlan = { kind: 'none' };
  const validBody: fc.Arbitrary<BodyPlan> = op.body ? bGen.valid(op.body.schema).map((value): BodyPlan => ({ kind: 'json', value })) : fc.constant(noBody);
  const wildBody: fc.Arbitrary<BodyPlan> = op.body
    ? fc.oneof(
        { weight: 12, arbitrary: bGen.invalid(op.body.schema).map((value): BodyPlan => ({ kind: 'json', value })) },
        { weight: 4, arbitrary: fc.constantFrom(...RAW_BODIES) },
        { weight: 1, arbitrary: fc.constant(noBody) },
      )
    : fc.constantFrom(...RAW_BODIES.slice(0, 12), { kind: 'json', value: { unexpected: 'body' } } as BodyPlan);

  const parts: Part[] = ['path', 'query', 'auth', 'contentType', 'body', 'headers'];
  if (hasIfMatch) parts.push('ifMatch');
  if (op.method === 'POST') parts.push('idempotencyKey');
  const usable = parts.filter((p) => (p === 'path' ? pathParams.length > 0 : true));
  const corrupt = fc.oneof(
    { weight: 9, arbitrary: fc.constant<Part[]>([]) },
    { weight: 8, arbitrary: fc.constantFrom(...usable).map((p) => [p]) },
    { weight: 3, arbitrary: fc.subarray(usable, { minLength: 2, maxLength: 2 }) },
  );

  return fc
    .record({
      corrupt,
      path,
      query,
      auth: fc.record({ valid: validAuth, wild: wildAuthArb(op) }),
      ifMatch: fc.record({ valid: hasIfMatch ? validIfMatchArb(op.resource === 'article') : fc.constant(null), wild: wildIfMatchArb }),
      idempotencyKey: fc.record({ valid: op.method === 'POST' ? validIdempotencyArb : fc.constant(null), wild: wildIdempotencyArb }),
      contentType: fc.record({ valid: fc.constant(op.body ? 'application/json' : null), wild: wildContentTypeArb }),
      body: fc.record({ valid: validBody, wild: wildBody }),
      headers: fc.record({ valid: fc.constant<Record<string, string>>({}), wild: wildHeadersArb }),
      repeat: fc.record({ keyed: fc.boolean(), any: fc.nat({ max: 19 }).map((n) => n === 0) }),
    })
    .map((g): RequestPlan => {
      const bad = (p: Part) => g.corrupt.includes(p);
      const pathValues = { ...g.path.valid };
      if (bad('path') && g.path.wild) pathValues[g.path.wild[0]] = g.path.wild[1];
      const queryPairs = bad('query') ? g.query.wild(g.query.valid) : g.query.valid;
      // A body for an operation without one needs a content type to be read at all.
      const contentType = bad('contentType') ? g.contentType.wild : bad('body') && !op.body ? 'application/json' : g.contentType.valid;
      const idempotencyKey = bad('idempotencyKey') ? g.idempotencyKey.wild : g.idempotencyKey.valid;
      return {
        path: pathValues,
        query: queryPairs.filter(([k]) => k !== RAW_QUERY_MARK),
        rawQuery: queryPairs.filter(([k]) => k === RAW_QUERY_MARK).map(([, v]) => String(v)).join('&'),
        auth: bad('auth') ? g.auth.wild : g.auth.valid,
        ifMatch: bad('ifMatch') ? g.ifMatch.wild : g.ifMatch.valid,
        idempotencyKey,
        contentType,
        body: bad('body') ? g.body.wild : g.body.valid,
        headers: bad('headers') ? g.headers.wild : g.headers.valid,
        bodyValid: !bad('body'),
        corrupted: g.corrupt,
        repeat: g.repeat.any || (idempotencyKey !== null && g.repeat.keyed),
      };
    });
}

/** Any operation with one of its requests: for runs that interleave everything in one app. */
export function mixedArbitrary(contract: Contract): fc.Arbitrary<{ op: Operation; plan: RequestPlan }> {
  return fc.oneof(...contract.operations.map((op) => planArbitrary(op, contract.components).map((plan) => ({ op, plan }))));
}

/** Marks a query pair that is appended verbatim (broken percent-encoding) rather than encoded. */
const RAW_QUERY_MARK = '\u0000raw';
