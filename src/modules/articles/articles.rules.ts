import { AppError, type FieldError } from '../../errors.js';
import { renderBody, type Rendered } from '../../lib/markdown.js';
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
