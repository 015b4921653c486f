// The last pass over the generated contract: what every operation has in common is added
// here once, from what each route is, instead of being repeated in every route schema.
// Each route carries its traits under `x-dateline` (set in plugins/openapi.ts); they are
// read and removed here.

import { errorCatalogue, problemTypeUri, type ErrorCode } from '../errors.js';
import {
  conditionalReadParameters,
  everyResponseHeaders,
  notModifiedHeaders,
  publicReadHeaders,
  rateLimitHeaders,
  responseHeaders,
  type ResponseHeader,
} from './openapi-headers.js';

export type RouteTraits = { publicCache: boolean; optionalBody: boolean; idempotent: boolean };

type Json = Record<string, unknown>;
type Response = { description: string; headers?: Json; content?: Record<string, { schema?: Json; examples?: Json }> };
type Parameter = { name: string; in: string; schema?: Json; style?: string; explode?: boolean };
type Operation = {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean };
  responses: Record<string, Response>;
  'x-dateline'?: RouteTraits;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json>; headers?: Json }; servers?: unknown };

// What a problem of each code typically says, for the per-status examples.
const sampleDetails: Partial<Record<ErrorCode, [string, string]>> = {
  moved: ['/v1/articles/old-slug', 'The slug changed to "new-slug"'],
  validation_failed: ['/v1/articles', 'query.limit: Too big: expected number to be <=100'],
  malformed_json: ['/v1/articles', 'Body is not valid JSON but content-type is set to \'application/json\''],
  invalid_cursor: ['/v1/articles', 'The cursor is malformed or was made for another sort order'],
  unauthorized: ['/v1/articles', 'This operation needs `Authorization: Bearer <token>`'],
  forbidden: ['/v1/articles/42/publish', 'The writer role may not do this; it needs admin or editor'],
  not_found: ['/v1/articles/no-such-story', 'No article with id or slug "no-such-story"'],
  method_not_allowed: ['/v1/articles', 'PUT is not allowed on /v1/articles; use GET, HEAD, POST'],
  request_timeout: ['/v1/articles', 'The request took too long to arrive'],
  conflict: ['/v1/bureaus/metro-desk', 'The bureau still has 12 articles'],
  precondition_failed: ['/v1/articles/42', 'You changed version 3, but the current version is 4'],
  payload_too_large: ['/v1/articles', 'Request body is too large'],
  uri_too_long: ['/v1/articles/aaaa…', 'The address is longer than the server accepts'],
  unsupported_media_type: ['/v1/articles', 'Unsupported Media Type: text/plain'],
  unprocessable: ['/v1/articles', 'No author with id or slug "nobody"'],
  precondition_required: ['/v1/articles/42', 'Send `If-Match: "v<version>"` or `version` in the body, so a concurrent edit is not overwritten'],
  too_many_requests: ['/v1/articles', 'Rate limit exceeded, retry in 12 seconds'],
  header_fields_too_large: ['/v1/articles', 'Request headers too large'],
  internal: ['/v1/articles', 'Something went wrong on our side. It has been logged.'],
  unavailable: ['/v1/articles', 'The server is busy; retry in a moment'],
};

function problemExamples(status: number): Json {
  const out: Json = {};
  for (const [code, { status: s, title }] of Object.entries(errorCatalogue) as [ErrorCode, { status: number; title: string }][]) {
    if (s !== status) continue;
    const [instance, detail] = sampleDetails[code] ?? ['/v1/articles', title];
    out[code] = { summary: title, value: { type: problemTypeUri(code), title, status, detail, instance, code, requestId: 'req-1a' } };
  }
  return out;
}

const words = (s: string) => s.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

/** A real description for a success response generated without one, from the operation's name. */
function successDescription(operationId: string, status: string): string {
  const [, verb = '', rest = ''] = /^([a-z]+)(.*)$/.exec(operationId) ?? [];
  const noun = words(rest);
  const phrases: Record<string, string> = {
    list: `A page of ${noun}`,
    get: `The ${noun}`,
    create: `Created: the new ${noun}`,
    update: `Updated: the ${noun} as it is now`,
    publish: 'Published, or scheduled when `publishedAt` is in the future: the article as it is now',
    unpublish: 'Back to draft: the article as it is now',
    archive: 'Archived: the article as it is now',
    restore: 'Restored as a new version: the article as it is now',
    compare: 'The fields that differ between the two revisions, with both values',
    redeliver: `Queued for another attempt: the ${noun}`,
    revoke: `Revoked: the ${noun}`,
  };
  return phrases[verb] ?? `${status === '201' ? 'Created' : 'Done'}: ${noun}`;
}

const headerSet = (names: ResponseHeader[]) => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

function addHeaders(res: Response, names: ResponseHeader[]) {
  res.headers = { ...res.headers, ...headerSet(names) };
}

const refName = (schema: Json | undefined) => (typeof schema?.$ref === 'string' ? schema.$ref.split('/').pop()! : undefined);

/** Error responses are the same on most operations: each distinct one is kept once, by reference. */
function hoistProblems(doc: Doc) {
  const responses: Record<string, Response> = {};
  const names = new Map<string, string>();
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values(ops)) {
      for (const [status, res] of Object.entries(op.responses)) {
        if (!res.content?.['application/problem+json'] || Number(status) < 400) continue;
        const key = JSON.stringify(res);
        let name = names.get(key);
        if (!name) {
          name = `Problem${status}`;
          for (let n = 2; name in responses; n++) name = `Problem${status}_${n}`;
          names.set(key, name);
          responses[name] = res;
        }
        (op.responses as Record<string, unknown>)[status] = { $ref: `#/components/responses/${name}` };
      }
    }
  }
  (doc.components as Json).responses = responses;
}

export function finishContract<T extends object>(input: T, opts: { serverUrl: string }): T {
  const doc = input as T & Doc;
  const schemas = doc.components.schemas;
  const isVersioned = (schema: Json | undefined) => {
    const target = refName(schema) ? schemas[refName(schema)!] : schema;
    return Boolean((target?.properties as Json | undefined)?.version);
  };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const traits = op['x-dateline'] ?? { publicCache: false, optionalBody: false, idempotent: false };
      delete op['x-dateline'];
      if (op.requestBody) op.requestBody.required = !traits.optionalBody;
      for (const p of op.parameters ?? []) {
        if (p.in === 'query' && p.schema?.type === 'array') Object.assign(p, { style: 'form', explode: false });
      }
      if (method === 'get' && traits.publicCache) op.parameters = [...(op.parameters ?? []), ...conditionalReadParameters];
      // The router answers an over-long path parameter with 414 before any route runs.
      if (path.includes('{') && !op.responses['414']) op.responses['414'] = { ...op.responses['400']!, description: 'A path parameter is longer than the server accepts' };
      for (const [status, res] of Object.entries(op.responses)) {
        const json = res.content?.['application/json']?.schema;
        if (res.description === 'Default Response') res.description = successDescription(op.operationId ?? '', status);
        addHeaders(res, path.startsWith('/v1/') ? [...everyResponseHeaders, ...rateLimitHeaders] : everyResponseHeaders);
        const problem = res.content?.['application/problem+json'];
        if (problem && Number(status) >= 400) problem.examples = problemExamples(Number(status));
        if (status === '429' || status === '503') addHeaders(res, ['Retry-After']);
        if (status === '304') addHeaders(res, notModifiedHeaders);
        if (status === '308') addHeaders(res, ['Location']);
        if (status === '200' && method === 'get' && traits.publicCache) {
          addHeaders(res, publicReadHeaders);
          if (refName(json)?.endsWith('List')) addHeaders(res, ['Link']);
        } else if (status === '200' && json && refName(json)?.endsWith('List')) addHeaders(res, ['Link']);
        if (status === '201') addHeaders(res, ['Location', ...(traits.idempotent ? (['Idempotent-Replayed'] as const) : [])]);
        if ((status === '200' || status === '201') && method !== 'get' && isVersioned(json)) addHeaders(res, ['ETag']);
      }
    }
  }
  hoistProblems(doc);
  doc.components.headers = responseHeaders;
  doc.servers = [{ url: opts.serverUrl, description: 'This server (`PUBLIC_BASE_URL`)' }];
  return doc;
}
