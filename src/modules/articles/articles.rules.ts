import { AppError, type FieldError } from '../../errors.js';
import { renderBody, type Rendered } from '../../lib/markdown.js';

export type { Rendered };
import type { Actor } from '../shared/actor.js';
import type { CreateArticle } from './articles.schemas.js';

/**
 * The renderings stored beside the Markdown, so reads never render. Routes render a body
 * off the event loop before the write's transaction (the worker pool) and pass it in; a
 * caller that passes none — demo data, scripts with trusted input — renders in process.
 */
export const rendered = (body: string, pre?: Rendered): Rendered => (pre?.body === body ? pre : renderBody(body));

export const imageColumns = (img: CreateArticle['featuredImage']) =>
  img === undefined
    ? {}
    : {
        imageUrl: img?.url ?? null,
        imageAlt: img?.alt ?? null,
        imageCaption: img?.caption ?? null,
        imageCredit: img?.credit ?? null,
      };

export function assertPublishable(body: string, bylineCount: number) {
  const errors: FieldError[] = [];
  if (body.trim() === '') errors.push({ path: 'body.body', message: 'A published article needs a body' });
  if (bylineCount === 0) errors.push({ path: 'body.authors', message: 'A published article needs at least one author' });
  if (errors.length) {
    throw new AppError('unprocessable', `Cannot publish: ${errors.map((e) => e.message.toLowerCase()).join('; ')}`, {
      errors,
    });
  }
}

/** Writers may only touch articles that carry their own byline. */
export function assertMayEdit(actor: Actor, bylineIds: number[]) {
  if (actor.role !== 'writer') return;
  if (actor.authorId === null || !bylineIds.includes(actor.authorId)) {
    throw new AppError('forbidden', 'A writer may only edit articles that carry their own byline');
  }
}

/**
 * The newsroom rule, checked for every change to an existing article, whatever the path
 * (update, revision restore, imports): admins and editors change anything. A writer
 * changes only a *draft* that carries their byline — a published, scheduled or archived
 * article (its text, slug, publish time) changes only through an editor — and may not
 * change anyone else's place in the byline: the other authors stay, in the same order,
 * and the writer may move only themselves, and only further back.
 */
export function assertMayChange(actor: Actor, current: { status: string }, bylineBefore: number[], bylineAfter?: number[]) {
  if (actor.role !== 'writer') return;
  assertMayEdit(actor, bylineBefore);
  if (current.status !== 'draft') {
    throw new AppError('forbidden', `A writer may only change drafts; this ${current.status} article changes through an editor`);
  }
  if (bylineAfter === undefined) return;
  const me = actor.authorId!;
  if (!bylineAfter.includes(me)) throw bylineForbidden('A writer cannot take their own byline off');
  const others = (ids: number[]) => ids.filter((id) => id !== me).join(',');
  if (others(bylineBefore) !== others(bylineAfter)) {
    throw bylineForbidden('Only an editor adds, removes or reorders other authors in a byline');
  }
  if (bylineAfter.indexOf(me) < bylineBefore.indexOf(me)) {
    throw bylineForbidden('Only an editor moves a writer ahead of other authors');
  }
}

/** Publishing, unpublishing, archiving and deleting are editorial decisions. */
export function assertEditorial(actor: Actor, what: string) {
  if (actor.role === 'writer' || actor.role === 'viewer') {
    throw new AppError('forbidden', `The ${actor.role} role may not ${what} articles; an editor does`);
  }
}

const bylineForbidden = (message: string) => new AppError('forbidden', message, { errors: [{ path: 'body.authors', message }] });

/** Public: published, and its publish time has come (the same test public reads apply). */
export const isPublicNow = (a: { status: string; publishedAt: string | null }, now: string) =>
  a.status === 'published' && a.publishedAt !== null && a.publishedAt <= now;
