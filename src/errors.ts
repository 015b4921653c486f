import { z } from 'zod';

// One catalogue of every error the API answers with. Services throw AppError with a code
// from here; the error handler (plugins/error-handler.ts) turns it into RFC 9457 problem+json.
export const errorCatalogue = {
  moved: { status: 308, title: 'Moved permanently: the slug changed' },
  validation_failed: { status: 400, title: 'Your request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'The paging cursor is not valid' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  gone: { status: 410, title: 'Gone: start over' },
  method_not_allowed: { status: 405, title: 'Method not allowed at this address' },
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  precondition_failed: { status: 412, title: 'Precondition failed: the item changed' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  uri_too_long: { status: 414, title: 'Request address too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'The request cannot be applied' },
  precondition_required: { status: 428, title: 'Precondition required' },
  too_many_requests: { status: 429, title: 'Too many requests' },
  header_fields_too_large: { status: 431, title: 'Request headers too large' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service busy, try again shortly' },
  database_busy: { status: 503, title: 'The database is busy, try again shortly' },
  database_unavailable: { status: 503, title: 'The database cannot be reached, try again shortly' },
  query_timeout: { status: 503, title: 'The query ran out of time' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export type FieldError = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail: string,
    opts: { errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.errors = opts.errors;
    this.extra = opts.extra;
  }
}

export const notFound = (what: string, key: string | number) =>
  new AppError('not_found', `No ${what} with id or slug "${key}"`);

export const problemTypeUri = (code: ErrorCode) => `https://dateline.dev/problems/${code.replaceAll('_', '-')}`;

export const ProblemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem; stable, safe to switch on'),
    title: z.string().describe('A short summary of the kind of problem'),
    status: z.int().describe('The HTTP status code'),
    detail: z.string().describe('What went wrong with this request, for a person'),
    instance: z.string().optional().describe('The request path'),
    code: z.enum(Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]]).describe('Machine-readable code'),
    requestId: z.string().optional().describe('Quote this when reporting a problem'),
    errors: z
      .array(
        z.object({
          path: z.string().describe('The field, e.g. `body.authors.1` or `query.limit`'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('For validation problems: every field that is wrong, and why'),
  })
  .catchall(z.unknown())
  .meta({
    id: 'Problem',
    description: 'An RFC 9457 problem details object (`application/problem+json`).',
    examples: [
      {
        type: 'https://dateline.dev/problems/validation-failed',
        title: 'Your request is not valid',
        status: 400,
        detail: 'body.headline: Too small: expected string to have >=1 characters',
        instance: '/v1/articles',
        code: 'validation_failed',
        requestId: 'req-1a',
        errors: [{ path: 'body.headline', message: 'Too small: expected string to have >=1 characters' }],
      },
    ],
  });

export type Problem = z.infer<typeof ProblemSchema>;

export const movedResponse = {
  description: 'The slug changed: `Location` and the body\'s `slug` and `location` give the new address',
  content: { 'application/problem+json': { schema: ProblemSchema } },
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

// Shared error responses that routes spread into their schemas, so the contract names
// every status a route can answer with and they all look the same.
export const problemResponses = {
  400: problemResponse('The request is not valid: see `errors` for each field'),
  401: problemResponse('A bearer token is missing, unknown, expired or revoked'),
  403: problemResponse('The token may not do this'),
  404: problemResponse('Nothing found at this address'),
  409: problemResponse('Conflicts with the current state (taken slug, item still in use)'),
  410: problemResponse('The change-feed cursor is older than the retention window: sync again without `since`'),
  413: problemResponse('The request body is larger than the configured limit'),
  415: problemResponse('The request body is not `application/json`'),
  422: problemResponse('A referenced bureau, author or tag does not exist, or a rule forbids the change'),
  412: problemResponse('`If-Match` or `version` names an older version; `currentVersion` and `current` say what is there now'),
  428: problemResponse('The change needs `If-Match` or `version`'),
  500: problemResponse('Unexpected server error; the detail is logged, not shown'),
  429: problemResponse('Too many requests from this token or address; see `Retry-After`'),
  431: problemResponse('The request headers or address are larger than the server accepts'),
  503: problemResponse('Overloaded, a write waited too long for the database (`database_busy`), or a search or count ran past its time budget (`query_timeout`); see `Retry-After`'),
} as const;

type Status = keyof typeof problemResponses;
// Any request may be rate limited (429), refused by the HTTP parser for its size (431) or
// shed under load (503), so those always come.
export const pickProblems = <S extends Status>(...statuses: S[]) =>
  Object.fromEntries([...statuses, 429, 431, 503].map((s) => [s, problemResponses[s as Status]])) as Pick<
    typeof problemResponses,
    S | 429 | 431 | 503
  >;

// Public reads check a token when one is sent (it widens what they show), so a bad one is a 401.
export const readProblems = () => pickProblems(400, 401, 404, 500);
export const writeProblems = () => pickProblems(400, 401, 403, 404, 409, 413, 415, 422, 500);
