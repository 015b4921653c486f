import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { tidyOpenApi } from '../lib/openapi-tidy.js';

// The contract is generated from the route schemas: nothing here describes a route by hand.
export default fp(
  async (app) => {
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
      transform: jsonSchemaTransform,
      transformObject: (doc) => tidyOpenApi(jsonSchemaTransformObject(doc)),
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: { persistAuthorization: false, displayOperationId: true, tryItOutEnabled: false },
    });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);
