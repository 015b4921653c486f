import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

// Query parameters that carry or look like credentials. Matched as whole names or name
// parts (`x-api-key`, `auth_token`, `client_secret`), case-insensitively.
const SECRET_PARAM = /(?:^|[-_.])(?:access[-_]?token|token|api[-_]?key|key|secret|password|passwd|pwd|preview|sig|signature|auth|authorization|code|session|credentials?)(?:$|[-_.])/i;

/**
 * The URL with the value of every secret-looking query parameter replaced by `[redacted]`,
 * so tokens sent in a URL (by mistake, or a preview link) never reach a log line.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed name is logged as sent; its value is still judged by the raw name.
      }
      return eq !== -1 && SECRET_PARAM.test(name) ? `${rawName}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

/** pino settings for every logger the app builds: no token, secret or Authorization header in any line. */
export const logOptions = (config: Pick<Config, 'logLevel'>) => ({
  level: config.logLevel,
  redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.token'], censor: '[redacted]' },
  serializers: {
    // Fastify's own request serializer, with the URL redacted.
    req: (req: FastifyRequest) => ({
      method: req.method,
      url: redactUrl(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }),
  },
});
