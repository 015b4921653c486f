// The contract: operations and schemas read from openapi/openapi.json, and the Ajv validator
// that checks answers against them.

import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are not direct dependencies: they come with Fastify (and
// @readme/openapi-parser) and are hoisted to node_modules/ajv and node_modules/ajv-formats.
const addFormats = addFormatsModule.default;

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

/** The subset of JSON Schema 2020-12 the contract uses. */
export type JsonSchema = {
  $ref?: string;
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  examples?: unknown[];
  description?: string;
};

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type Parameter = { name: string; in: 'query' | 'path' | 'header'; required: boolean; schema: JsonSchema };

export type Operation = {
  id: string;
  method: HttpMethod;
  path: string;
  parameters: Parameter[];
  body: { schema: JsonSchema; required: boolean } | null;
  /** Declared responses: status → content type and schema (null for an empty response). */
  responses: Map<number, { contentType: string | null; schema: JsonSchema | null }>;
  /** True when the operation can be called without a token. */
  public: boolean;
  /** Which fixture family a path parameter `idOrSlug` / `id` refers to. */
  resource: Resource;
};

export type Contract = { operations: Operation[]; components: Record<string, JsonSchema> };

type ResponseObject = { content?: Record<string, { schema: JsonSchema }> };
type OpenApiDoc = {
  components: { schemas: Record<string, JsonSchema>; responses?: Record<string, ResponseObject> };
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
        requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
        responses: Record<string, ResponseObject | { $ref: string }>;
        security?: Array<Record<string, unknown>>;
      }
    >
  >;
};

export type Resource = 'bureau' | 'author' | 'tag' | 'article' | 'token' | 'webhook' | 'audit' | 'system';

const resourceOf = (path: string): Resource => {
  // /health, /ready, /metrics and whatever else lives outside the versioned API.
  if (!path.startsWith('/v1/')) return 'system';
  const segment = path.split('/')[2];
  const map: Record<string, Resource> = {
    bureaus: 'bureau',
    authors: 'author',
    tags: 'tag',
    articles: 'article',
    // Imports create and update articles: they share the articles' fixtures and invariants.
    imports: 'article',
    tokens: 'token',
    webhooks: 'webhook',
    'audit-events': 'audit',
    ninjs: 'article',
    changes: 'system',
  };
  const r = segment === undefined ? undefined : map[segment];
  if (!r) throw new Error(`contract-fuzz: no fixture family for ${path}; add it to resourceOf`);
  return r;
};

const contractFile = new URL('../../../openapi/openapi.json', import.meta.url);

export function loadContract(file: URL = contractFile): Contract {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDoc;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const upper = method.toUpperCase();
      if (upper !== 'GET' && upper !== 'POST' && upper !== 'PATCH' && upper !== 'DELETE') {
        throw new Error(`contract-fuzz: ${op.operationId} uses ${upper}, which the fuzzer does not send yet`);
      }
      const responses = new Map<number, { contentType: string | null; schema: JsonSchema | null }>();
      for (const [status, raw] of Object.entries(op.responses)) {
        // Shared error responses are kept once under components/responses.
        const r = '$ref' in raw ? doc.components.responses![raw.$ref.split('/').pop()!]! : raw;
        const [contentType, media] = Object.entries(r.content ?? {})[0] ?? [null, null];
        responses.set(Number(status), { contentType, schema: media?.schema ?? null });
      }
      const json = op.requestBody?.content['application/json'];
      operations.push({
        id: op.operationId,
        method: upper,
        path,
        parameters: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in as Parameter['in'],
          required: p.required === true,
          schema: p.schema,
        })),
        body: json ? { schema: json.schema, required: op.requestBody?.required === true } : null,
        responses,
        public: op.security === undefined || op.security.some((s) => Object.keys(s).length === 0),
        resource: resourceOf(path),
      });
    }
  }
  return { operations, components: doc.components.schemas };
}

/** A stable per-operation seed, so adding an operation does not reshuffle the others' cases. */
export const seedFor = (seed: number, op: Operation) => [...op.id].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, seed);

/** Families of operations that share one app: by resource, with article sub-resources apart. */
export function familyOf(op: Operation): string {
  if (op.resource === 'article' && /\{idOrSlug\}\//.test(op.path)) return 'article-workflow';
  return op.resource;
}


const CONTRACT_ID = 'urn:dateline:contract';

const rewriteRefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', `${CONTRACT_ID}#/$defs/`) : rewriteRefs(v),
      ]),
    );
  }
  return value;
};

export type SchemaValidator = (schema: JsonSchema, data: unknown) => string | null;

export function createValidator(contract: Contract): SchemaValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: CONTRACT_ID, $defs: rewriteRefs(contract.components) as Record<string, unknown> });
  const cache = new Map<string, ValidateFunction>();
  return (schema, data) => {
    const key = JSON.stringify(schema);
    let validate = cache.get(key);
    if (!validate) {
      validate = ajv.compile(rewriteRefs(schema) as object);
      cache.set(key, validate);
    }
    if (validate(data)) return null;
    return ajv.errorsText(validate.errors, { separator: '; ', dataVar: 'body' });
  };
}
