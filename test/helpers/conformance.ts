// Checks real HTTP answers against openapi/openapi.json, as a validating proxy would: the
// status is declared for the operation, the body matches the declared media type and schema
// (Ajv, as the fuzzer does), and every API header the server sent is declared for that
// response and matches its schema. Used by test/e2e/contract-conformance.test.ts.
import { readFileSync } from 'node:fs';
import { createValidator, loadContract, type JsonSchema } from './contract-fuzz/index.js';

type Header = { schema: JsonSchema };
type ResponseObject = { headers?: Record<string, Header | { $ref: string }>; content?: Record<string, { schema: JsonSchema }> };
type RawOp = { operationId: string; responses: Record<string, ResponseObject | { $ref: string }>; requestBody?: { content: Record<string, { schema: JsonSchema }> } };
export type RawDoc = {
  paths: Record<string, Record<string, RawOp>>;
  components: { schemas: Record<string, JsonSchema & { examples?: unknown[] }>; responses: Record<string, ResponseObject>; headers: Record<string, Header> };
};

// Headers that carry API meaning; generic transport and security headers are not the contract's business.
const API_HEADERS = [
  'etag',
  'last-modified',
  'cache-control',
  'surrogate-key',
  'cache-tag',
  'link',
  'location',
  'idempotent-replayed',
  'retry-after',
  'x-request-id',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

export type Exchange = { method: string; path: string; status: number; headers: Headers; body: string };

export function createConformance(file = new URL('../../openapi/openapi.json', import.meta.url)) {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as RawDoc;
  const validate = createValidator(loadContract(file));
  const templates = Object.keys(doc.paths).map((p) => ({
    path: p,
    re: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    fixed: p.split('{').length,
  }));
  const deref = <T>(x: T | { $ref: string }, where: Record<string, T>): T =>
    typeof x === 'object' && x !== null && '$ref' in x ? where[x.$ref.split('/').pop()!]! : (x as T);

  /** Violations of the contract in one exchange; [] when it conforms. */
  function check(ex: Exchange): string[] {
    const where = `${ex.method} ${ex.path} → ${ex.status}`;
    const pathname = ex.path.split('?')[0]!;
    // HEAD is GET without the body (RFC 9110 §9.3.2): Fastify answers it for every GET.
    const method = ex.method === 'HEAD' ? 'get' : ex.method.toLowerCase();
    // The most specific template wins (`/revisions/compare` over `/revisions/{version}`).
    const match = templates.filter((t) => t.re.test(pathname) && doc.paths[t.path]![method]).sort((a, b) => a.fixed - b.fixed)[0];
    if (!match) return [`${where}: no operation in the contract`];
    const op = doc.paths[match.path]![method]!;
    const raw = op.responses[String(ex.status)];
    if (!raw) return [`${where}: status ${ex.status} is not declared for ${op.operationId}`];
    const res = deref(raw, doc.components.responses);
    const out: string[] = [];
    const media = Object.entries(res.content ?? {})[0];
    const type = ex.headers.get('content-type') ?? '';
    if (!media) {
      if (ex.body !== '') out.push(`${where}: a body where the contract declares none`);
    } else if (ex.method !== 'HEAD') {
      if (!type.startsWith(media[0])) out.push(`${where}: content-type ${type}, declared ${media[0]}`);
      let data: unknown = ex.body;
      if (media[0].includes('json')) {
        try {
          data = JSON.parse(ex.body);
        } catch {
          out.push(`${where}: body is not JSON`);
        }
      }
      const error = validate(media[1].schema, data);
      if (error) out.push(`${where}: body: ${error}`);
    }
    const declared = new Map(Object.entries(res.headers ?? {}).map(([k, v]) => [k.toLowerCase(), deref(v, doc.components.headers)]));
    for (const name of API_HEADERS) {
      const value = ex.headers.get(name);
      if (value === null) continue;
      const header = declared.get(name);
      if (!header) {
        out.push(`${where}: header ${name} is not declared`);
        continue;
      }
      const typed = header.schema.type === 'integer' ? Number(value) : value;
      const error = validate(header.schema, typed);
      if (error) out.push(`${where}: header ${name}: ${value}: ${error}`);
    }
    if (ex.headers.get('x-request-id') === null) out.push(`${where}: no X-Request-Id`);
    return out;
  }

  /** The first example of an operation's request body, if it has one. */
  function bodyExample(operationId: string): unknown {
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        if (op.operationId !== operationId) continue;
        const schema = op.requestBody?.content['application/json']?.schema as { $ref?: string; examples?: unknown[] } | undefined;
        if (!schema) return undefined;
        const target = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema;
        return target?.examples?.[0];
      }
    }
    throw new Error(`no operation ${operationId}`);
  }

  const operationIds = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
  return { check, bodyExample, operationIds, doc };
}
