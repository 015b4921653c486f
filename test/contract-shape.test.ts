import { readFileSync } from 'node:fs';
import t from 'tap';

// What generated clients and Swagger UI read from the contract (issue 11, items 2, 3, 6, 8, 9, 10).
type Param = { name: string; in: string; schema: Record<string, unknown>; style?: string; explode?: boolean; example?: unknown; examples?: unknown };
type Op = { operationId: string; summary: string; security?: unknown[]; parameters?: Param[]; requestBody?: { required: boolean }; responses: Record<string, { description?: string; $ref?: string }> };
const file = new URL('../openapi/openapi.json', import.meta.url);
const doc = JSON.parse(readFileSync(file, 'utf8')) as { servers?: { url: string }[]; paths: Record<string, Record<string, Op>> };
const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
const op = (id: string) => ops.find((o) => o.operationId === id)!;
const param = (id: string, name: string) => op(id).parameters?.find((p) => p.name.toLowerCase() === name.toLowerCase());

t.test('servers names an absolute address', async (t) => {
  t.match(doc.servers?.[0]?.url, /^https?:\/\/[^/]+/);
});

t.test('parameters are typed as the server enforces them', async (t) => {
  t.match(param('listArticles', 'limit')?.schema, { type: 'integer', minimum: 1, maximum: 100 });
  t.match(param('listArticles', 'offset')?.schema, { type: 'integer', minimum: 0 });
  t.match(param('listArticles', 'total')?.schema, { type: 'boolean' });
  t.match(param('listAuditEvents', 'limit')?.schema, { type: 'integer', minimum: 1 });
  t.match(param('listArticles', 'sort')?.schema, { type: 'string', enum: Array });
  for (const name of ['include', 'fields', 'formats']) {
    t.match(param('listArticles', name), { style: 'form', explode: false, schema: { type: 'array', items: { enum: Array } } }, name);
  }
  t.ok(param('listArticles', 'if-none-match') && param('getArticle', 'if-modified-since'), 'conditional request headers on public reads');
  const key = param('createArticle', 'idempotency-key');
  t.match(key?.schema, { minLength: 1, maxLength: 200 });
  t.notOk(key?.example ?? key?.examples ?? key?.schema.example ?? key?.schema.examples, 'no Idempotency-Key example for Swagger UI to pre-fill');
});

t.test('bodies that may be left out are optional', async (t) => {
  for (const id of ['publishArticle', 'unpublishArticle', 'archiveArticle', 'restoreArticleRevision', 'createArticlePreview']) {
    t.equal(op(id).requestBody?.required, false, id);
  }
  t.equal(op('createArticle').requestBody?.required, true);
});

t.test('public reads declare optional security and 401; statuses and descriptions are complete', async (t) => {
  for (const id of ['listBureaus', 'getBureau', 'listAuthors', 'getAuthor', 'listTags', 'getTag', 'listArticles', 'getArticle']) {
    t.same(op(id).security, [{}, { bearerAuth: [] }], `${id} security`);
    t.ok(op(id).responses['401'], `${id} declares 401`);
    if (id.startsWith('get')) t.ok(op(id).responses['414'], `${id} declares 414`);
  }
  for (const o of ops) {
    t.ok(o.responses['431'], `${o.operationId} declares 431`);
    t.notOk(/ a [aeiou]/i.test(o.summary), `${o.operationId}: "${o.summary}"`);
    for (const [status, res] of Object.entries(o.responses)) {
      t.not(res.description, 'Default Response', `${o.operationId} ${status} has a real description`);
    }
  }
});
