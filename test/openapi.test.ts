import { readFileSync } from 'node:fs';
import { compileErrors, validate } from '@readme/openapi-parser';
import t from 'tap';
import { openapiDocument } from '../scripts/openapi-document.js';
import { buildTestApp } from './helpers/app.js';

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { examples?: unknown[] }> } };

const committedPath = new URL('../openapi/openapi.json', import.meta.url);

t.test('the committed contract is what the server serves', async (t) => {
  const served = await openapiDocument();
  t.equal(readFileSync(committedPath, 'utf8'), served, 'openapi/openapi.json is stale: run `npm run openapi`');
  const ctx = await buildTestApp(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), JSON.parse(served));
});

t.test('the contract is a valid OpenAPI 3.1 document', async (t) => {
  const doc = JSON.parse(readFileSync(committedPath, 'utf8')) as Doc;
  t.equal(doc.openapi, '3.1.0');
  const result = await validate(structuredClone(doc) as never);
  t.ok(result.valid, result.valid ? 'valid' : compileErrors(result));
});

t.test('every operation is documented completely', async (t) => {
  const doc = JSON.parse(readFileSync(committedPath, 'utf8')) as Doc;
  const expected = ['Article', 'Author', 'Bureau', 'Tag'].flatMap((r) =>
    ['list', 'get', 'create', 'update', 'delete'].map((v) => `${v}${r}${v === 'list' ? 's' : ''}`),
  );
  expected.push('publishArticle', 'unpublishArticle', 'archiveArticle');
  expected.push(
    'createToken',
    'listTokens',
    'revokeToken',
    'listArticleRevisions',
    'getArticleRevision',
    'compareArticleRevisions',
    'restoreArticleRevision',
    'createArticlePreview',
    'createWebhook',
    'listWebhooks',
    'deleteWebhook',
    'listWebhookDeliveries',
    'redeliverWebhookDelivery',
    'listAuditEvents',
    'getHealth',
    'getReadiness',
    'getMetrics',
    'importWireStory',
    'importNinjs',
    'importArticles',
    'getArticleFeed',
    'getSitemapIndex',
    'getNewsSitemap',
    'getSitemap',
    'getArticleNinjs',
    'listArticlesNinjs',
    'listChanges',
  );
  // Management reads need a token; content reads do not.
  const tokenReads = new Set(['listTokens', 'listWebhooks', 'listWebhookDeliveries', 'listAuditEvents', 'listArticleRevisions', 'getArticleRevision', 'compareArticleRevisions']);
  const seen: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const where = `${method.toUpperCase()} ${path}`;
      t.ok(op.operationId, `${where} has an operationId`);
      seen.push(op.operationId!);
      t.ok(op.tags?.length, `${where} has tags`);
      t.ok(op.summary, `${where} has a summary`);
      t.ok(op.description, `${where} has a description`);
      t.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${where} documents its success`);
      t.ok(op.responses['400'] && op.responses['500'], `${where} documents 400 and 500`);
      if (method !== 'get' || tokenReads.has(op.operationId!)) {
        t.same(op.security, [{ bearerAuth: [] }], `${where} needs the bearer token`);
        t.ok(op.responses['401'], `${where} documents 401`);
      }
      const body = op.requestBody?.content['application/json']?.schema as { $ref?: string } | undefined;
      if (body?.$ref) {
        const name = body.$ref.split('/').pop()!;
        t.ok(doc.components.schemas[name]?.examples?.length, `${where} request body ${name} has an example`);
      }
    }
  }
  t.same(seen.sort(), expected.sort(), 'exactly the documented operationIds');
  // Imports take plain text and NDJSON, and the bulk report is NDJSON.
  t.ok(doc.paths['/v1/imports/wire']?.post?.requestBody?.content['text/plain'], 'importWireStory takes text/plain');
  t.ok(doc.paths['/v1/imports']?.post?.requestBody?.content['application/x-ndjson'], 'importArticles takes NDJSON');
  const report = doc.paths['/v1/imports']?.post?.responses['200'] as { content?: Record<string, unknown> } | undefined;
  t.ok(report?.content?.['application/x-ndjson'], 'importArticles answers an NDJSON report');
  for (const name of ['Article', 'ArticleView', 'Author', 'Bureau', 'Tag', 'Problem']) {
    t.ok(doc.components.schemas[name]?.examples?.length, `${name} has a realistic example`);
  }
});
