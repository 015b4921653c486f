import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { fromDatabaseError } from '../db/errors.js';
import { AppError, errorCatalogue, problemTypeUri, type FieldError, type Problem } from '../errors.js';

// Fastify's own request errors, mapped onto the catalogue so they look like ours.
const fastifyCodes: Record<string, AppError['code']> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
};

const locationNames: Record<string, string> = { querystring: 'query', body: 'body', params: 'path', headers: 'header' };

function validationErrors(err: FastifyError): FieldError[] {
  const where = locationNames[err.validationContext ?? 'body'] ?? 'body';
  const out: FieldError[] = [];
  for (const v of err.validation ?? []) {
    const base = v.instancePath.split('/').filter(Boolean);
    const keys = (v.params as { keys?: unknown }).keys;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
      for (const k of keys) out.push({ path: [where, ...base, String(k)].join('.'), message: 'Unknown field' });
    } else {
      out.push({ path: [where, ...base].join('.'), message: v.message ?? 'Invalid value' });
    }
  }
  return out;
}

/**
 * Where a request for an old slug goes: the same path with the slug segment replaced and the
 * same query, so a read keeps its parameters and a write (308 keeps the method and body) is
 * repeated on the same operation at the new address.
 */
function movedLocation(req: FastifyRequest, slug: string): string | undefined {
  const key = (req.params as { idOrSlug?: string } | undefined)?.idOrSlug ?? '';
  const q = req.url.indexOf('?');
  const [path, query] = q === -1 ? [req.url, ''] : [req.url.slice(0, q), req.url.slice(q)];
  const segments = path.split('/');
  const at = segments.findIndex((s, i) => i >= 3 && safeDecode(s) === key);
  if (at === -1) return undefined;
  segments[at] = encodeURIComponent(slug);
  return segments.join('/') + query;
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export function toProblem(err: unknown, req: FastifyRequest): Problem {
  let code: AppError['code'] = 'internal';
  let detail = 'Something went wrong on our side. It has been logged.';
  let errors: FieldError[] | undefined;
  let extra: Record<string, unknown> | undefined;
  const fe = err as FastifyError;
  // The database's own failures (restarting, unreachable, out of time) are 503s to retry.
  err = fromDatabaseError(err) ?? err;

  if (err instanceof AppError) {
    ({ code, errors, extra } = err);
    detail = err.message;
  } else if (hasZodFastifySchemaValidationErrors(fe)) {
    code = 'validation_failed';
    errors = validationErrors(fe);
    detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  } else if (fe.code && fastifyCodes[fe.code]) {
    code = fastifyCodes[fe.code]!;
    detail = fe.message;
  } else if (fe instanceof SyntaxError || (fe.statusCode === 400 && /JSON/i.test(fe.message))) {
    code = 'malformed_json';
    detail = fe.message;
  } else if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Any other client error Fastify raises; keep its status, use our envelope.
    const match = Object.entries(errorCatalogue).find(([, v]) => v.status === fe.statusCode);
    code = (match?.[0] as AppError['code'] | undefined) ?? 'validation_failed';
    detail = fe.message;
  }

  if (code === 'moved' && typeof extra?.slug === 'string') extra = { ...extra, location: movedLocation(req, extra.slug) ?? extra.location };
  const { status, title } = errorCatalogue[code];
  return {
    type: problemTypeUri(code),
    title,
    status,
    detail,
    instance: req.url.split('?')[0],
    code,
    requestId: String(req.id),
    ...(errors ? { errors } : {}),
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem) {
  if (problem.code === 'moved' && typeof problem.location === 'string') reply.header('location', problem.location);
  if (typeof problem.retryAfter === 'number') reply.header('retry-after', String(problem.retryAfter));
  // Errors the router raises before a route exists skip the app's onSend hooks.
  reply.header('x-request-id', problem.requestId);
  // The envelope is serialised here, not by a route's schema, so an error can never
  // fail response validation and turn into a different error.
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .serializer((p) => JSON.stringify(p))
    .send(problem);
}

export default fp(
  async (app) => {
    app.setErrorHandler((err, req, reply) => {
      const problem = toProblem(err, req);
      if (problem.status >= 500) req.log.error({ err }, 'unhandled error');
      else req.log.info({ code: problem.code, status: problem.status }, problem.detail);
      return sendProblem(reply, problem);
    });
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0]!;
      // A known address with another method is a 405 naming what it does take (RFC 9110 §15.5.6).
      const allowed = methods.filter((m) => m !== req.method && app.findRoute({ method: m, url: path }) !== null);
      if (allowed.length > 0 && !(allowed.length === 1 && allowed[0] === 'OPTIONS')) {
        reply.header('allow', allowed.filter((m) => m !== 'OPTIONS').join(', '));
        return sendProblem(reply, toProblem(new AppError('method_not_allowed', `${req.method} is not allowed on ${path}; use ${reply.getHeader('allow')}`), req));
      }
      return sendProblem(reply, toProblem(new AppError('not_found', `No route ${req.method} ${path}`), req));
    });
  },
  { name: 'error-handler' },
);

const clientErrors: Record<string, AppError['code']> = {
  HPE_HEADER_OVERFLOW: 'header_fields_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

/**
 * Node's HTTP parser rejects some requests (headers or request line too large, a request
 * that took too long, bytes that are not HTTP) before Fastify sees them; this answers those
 * in the same problem+json envelope, then closes the connection as Node would.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  answerAndClose(socket, clientErrors[err.code ?? ''] ?? 'validation_failed', err);
}

/**
 * Writes a problem+json answer straight to the socket and closes it: for a request cut off
 * before any handler could answer (a parser error, a body that took too long to arrive).
 */
export function answerAndClose(socket: Socket, code: AppError['code'], err?: Error) {
  if (socket.destroyed) return;
  const { status, title } = errorCatalogue[code];
  const requestId = randomUUID();
  const body = JSON.stringify({
    type: problemTypeUri(code),
    title,
    status,
    detail: code === 'validation_failed' ? 'The request is not valid HTTP' : title,
    code,
    requestId,
  } satisfies Problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
