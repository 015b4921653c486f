import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { refuseNul } from '../../lib/nul.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Request bodies of the import routes, registered in their plugin only (the rest of the API
 * takes JSON alone): wire stories as UTF-8 text, bulk uploads as a stream left unread here.
 */
export function registerImportParsers(app: FastifyInstance) {
  app.addContentTypeParser('text/plain', { parseAs: 'buffer' }, (req, body, done) => {
    const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) {
      return done(new AppError('unsupported_media_type', `Send the text as UTF-8 (\`text/plain; charset=utf-8\`), not ${charset}`));
    }
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new AppError('validation_failed', 'The text is not valid UTF-8', { errors: [{ path: 'body', message: 'Invalid UTF-8' }] }));
    }
    try {
      refuseNul(text, 'body');
    } catch (err) {
      return done(err as Error);
    }
    done(null, text);
  });
  // No body limit: the upload is streamed line by line, never held whole.
  app.addContentTypeParser('application/x-ndjson', { bodyLimit: Number.MAX_SAFE_INTEGER }, (_req, payload, done) => done(null, payload));
}
