import { z } from 'zod';
import { AppError } from '../../errors.js';

/** Strong ETag of a stored item: its version number. */
export const versionEtag = (version: number) => `"v${version}"`;

/**
 * The version a client says it is changing, from `If-Match` or a `version` in the body.
 * `*` means "whatever is there" (RFC 9110) and is returned as null.
 */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | null | undefined {
  if (bodyVersion !== undefined) return bodyVersion;
  if (ifMatch === undefined) return undefined;
  if (ifMatch.trim() === '*') return null;
  const m = /^(?:W\/)?"v(\d+)"$/.exec(ifMatch.trim());
  if (!m) {
    throw new AppError('precondition_failed', 'If-Match must be an ETag from this API, such as "v3"', {
      errors: [{ path: 'header.if-match', message: 'Not an ETag this API issued' }],
    });
  }
  return Number(m[1]);
}

/** Compares with the stored version: missing is a 428 when required, stale is a 412. */
export function checkVersion(
  expected: number | null | undefined,
  current: number,
  required: boolean,
  /** What a 412 shows as `current`; only needed (and only read by the caller) when the version is stale. */
  current412Body: unknown,
): void {
  if (expected === undefined) {
    if (!required) return;
    throw new AppError('precondition_required', 'Send `If-Match: "v<version>"` or `version` in the body, so a concurrent edit is not overwritten', {
      extra: { currentVersion: current },
    });
  }
  if (expected !== null && expected !== current) {
    throw new AppError('precondition_failed', `You changed version ${expected}, but the current version is ${current}`, {
      extra: { currentVersion: current, current: current412Body },
    });
  }
}

export const IfMatchHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .describe('The `ETag` of the version you are changing, e.g. `"v3"`'),
});
