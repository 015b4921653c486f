import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { finishContract, type RouteTraits } from '../lib/openapi-contract.js';
import { tidyOpenApi } from '../lib/openapi-tidy.js';

type Transform = typeof jsonSchemaTransform;

// Swagger UI plugins, as the browser-side source @fastify/swagger-ui writes into its
// initializer script (it serializes functions with toString, so the source is given as is).
const browserCode = (source: string) => Object.assign(() => undefined, { toString: () => source });
// Swagger UI counts the `{}` alternative of an optional-auth operation as "authorized" and draws
// a closed padlock on every public read; leaving it out of that check makes the padlock say
// whether a token will be sent. Its own DownloadUrl plugin (the top bar) is kept.
const uiPlugins = [
  browserCode('SwaggerUIBundle.plugins.DownloadUrl'),
  browserCode(
    'function () { return { statePlugins: { auth: { wrapSelectors: { isAuthorized: function (ori) { return function (state, securities) { ' +
      'return ori(securities && securities.filter ? securities.filter(function (s) { return s.size > 0; }) : securities); }; } } } } }; }',
  ),
];

/** The zod transform, plus what lib/openapi-contract.ts needs to know about the route. */
const transform: Transform = (input) => {
  const out = jsonSchemaTransform(input);
  const schema = input.schema as { body?: ZodType; headers?: ZodType } | undefined;
  if (!schema || (out.schema as { hide?: boolean }).hide) return out;
  const headerShape = (schema.headers as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
  const traits: RouteTraits = {
    publicCache: Boolean(input.route.config?.publicCache),
    optionalBody: schema.body !== undefined && schema.body.safeParse(undefined).success,
    idempotent: 'idempotency-key' in headerShape,
  };
  return { ...out, schema: { ...out.schema, 'x-dateline': traits } };
};

// The contract is generated from the route schemas: nothing here describes a route by hand.
export default fp(
  async (app, opts: { publicBaseUrl: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Dateline Content API',
          version: '1.0.0',
          description: [
            'Headless CMS for newsrooms: bureaus, authors, tags and articles.',
            '',
            '**Reading** needs no token and shows only published articles whose publish time has come.',
            'With a bearer token, reads also show drafts, scheduled and archived articles and authors’ e-mail.',
            '',
            '**Writing** needs `Authorization: Bearer <token>`. Errors are RFC 9457 `application/problem+json`.',
          ].join('\n'),
        },
        tags: [
          { name: 'Articles', description: 'Stories, their bylines, tags and publishing state' },
          { name: 'Authors', description: 'Bylines' },
          { name: 'Bureaus', description: 'The desks that file stories' },
          { name: 'Tags', description: 'Topics that group articles' },
          { name: 'Imports', description: 'Wire stories, agency items (ninjs) and bulk NDJSON in' },
          { name: 'Content out', description: 'Feeds, sitemaps, IPTC ninjs and the change feed, for sites, search engines and partners' },
          { name: 'Tokens', description: 'API tokens and roles (admins)' },
          { name: 'Webhooks', description: 'Signed event notifications to other systems (admins)' },
          { name: 'Audit', description: 'Who changed what, when (admins)' },
          { name: 'Operations', description: 'Health, readiness and metrics for orchestrators' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token: `dl_…`' },
          },
        },
      },
      transform,
      transformObject: (doc) => finishContract(tidyOpenApi(jsonSchemaTransformObject(doc)), { serverUrl: opts.publicBaseUrl }),
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      // `urls` rather than the plugin's own `./json`: the top bar then names the address the
      // README documents, /openapi.json, which is the same document.
      uiConfig: {
        persistAuthorization: false,
        displayOperationId: true,
        tryItOutEnabled: false,
        urls: [{ url: '/openapi.json', name: '/openapi.json' }],
        plugins: uiPlugins as never,
      },
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
