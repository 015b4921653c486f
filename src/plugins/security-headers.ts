import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

// The API answers JSON, which never needs to run anything: it gets the strictest policy.
// Only Swagger UI under /docs needs scripts, styles and images from itself.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export default fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: false,
      // TLS is terminated in front of the app, which decides HSTS.
      hsts: false,
      // Public content is meant to be fetched from other origins.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    });
    app.addHook('onSend', (req, reply, payload, done) => {
      reply.header('content-security-policy', req.url.startsWith('/docs') ? DOCS_CSP : API_CSP);
      done(null, payload);
    });
  },
  { name: 'security-headers' },
);
